/** Reply bodies of the HTTP API, for the OpenAPI document (the same bodies as the NATS replies). */
import { ApiProperty } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'spec.match.destination', description: "'' = the whole document" })
  path!: string;

  @ApiProperty({ example: "'2001:db8::/129' is not an IPv6 prefix" })
  message!: string;
}

export class ErrorReplyDto {
  @ApiProperty({ enum: [false] })
  ok!: false;

  @ApiProperty({ type: [FieldErrorDto], description: 'every problem found, not just the first' })
  errors!: FieldErrorDto[];
}

export class ApplyReplyDto {
  @ApiProperty({ enum: [true] })
  ok!: true;

  @ApiProperty({ example: 'video-call' })
  name!: string;

  @ApiProperty({ example: 7, description: 'KV revision of the stored document' })
  revision!: number;
}

export class IntentReplyDto {
  @ApiProperty({ enum: [true] })
  ok!: true;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the stored Intent' })
  intent!: object;

  @ApiProperty({ example: 7 })
  revision!: number;
}

export class IntentEntryDto {
  @ApiProperty({ example: 'video-call' })
  name!: string;

  @ApiProperty({ example: 7 })
  revision!: number;

  @ApiProperty({ type: 'object', additionalProperties: true })
  intent!: object;
}

export class IntentListReplyDto {
  @ApiProperty({ enum: [true] })
  ok!: true;

  @ApiProperty({ type: [IntentEntryDto], description: 'in name order' })
  intents!: IntentEntryDto[];

  @ApiProperty({
    required: false,
    description: 'present when more intents follow: ask again with after=<next>',
  })
  next?: string;
}

export class TopologyReplyDto {
  @ApiProperty({ enum: [true] })
  ok!: true;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the stored Topology' })
  topology!: object;

  @ApiProperty({ example: 3 })
  revision!: number;
}

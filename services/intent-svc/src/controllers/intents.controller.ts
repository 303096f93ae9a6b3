/** REST API for intents: the same service and bodies as the NATS subjects. */
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  ApplyReplyDto,
  ErrorReplyDto,
  IntentListReplyDto,
  IntentReplyDto,
} from '../dtos/intent-api.dto.js';
import { IntentsService } from '../services/intents.service.js';
import { bodyBytes, httpReply } from './http-reply.js';

/** A query revision that is not a number goes on as text, so the service reports it. */
function revisionOf(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  return /^\d+$/.test(text) ? Number(text) : text;
}

@ApiTags('intents')
@Controller('v1/intents')
export class IntentsController {
  constructor(private readonly service: IntentsService) {}

  @Post()
  @HttpCode(200)
  @ApiConsumes('application/json', 'text/yaml')
  @ApiBody({
    description: 'An Intent (SPEC), JSON or YAML; metadata.revision makes it conditional',
    schema: { type: 'object', additionalProperties: true },
  })
  @ApiOkResponse({ type: ApplyReplyDto })
  @ApiResponse({ status: 400, type: ErrorReplyDto, description: 'invalid document' })
  @ApiResponse({ status: 409, type: ErrorReplyDto, description: 'stale revision / no topology' })
  @ApiResponse({ status: 413, type: ErrorReplyDto, description: 'body over the size limit' })
  async apply(@Body() body: unknown): Promise<object> {
    return httpReply(await this.service.applyIntentBody(bodyBytes(body)));
  }

  @Get()
  @ApiQuery({ name: 'limit', required: false, description: 'at most this many (1..10000)' })
  @ApiQuery({ name: 'after', required: false, description: "the previous page's next" })
  @ApiOkResponse({ type: IntentListReplyDto })
  async list(@Query('limit') limit?: string, @Query('after') after?: string): Promise<object> {
    const request = {
      ...(limit !== undefined ? { limit: /^\d+$/.test(limit) ? Number(limit) : limit } : {}),
      ...(after !== undefined ? { after } : {}),
    };
    return httpReply(await this.service.listIntents(request));
  }

  @Get(':name')
  @ApiOkResponse({ type: IntentReplyDto })
  @ApiResponse({ status: 404, type: ErrorReplyDto })
  async get(@Param('name') name: string): Promise<object> {
    return httpReply(await this.service.getIntent({ name }));
  }

  @Delete(':name')
  @ApiQuery({ name: 'revision', required: false, description: 'delete only at this revision' })
  @ApiOkResponse({ type: ApplyReplyDto, description: 'revision = the delete marker' })
  @ApiResponse({ status: 404, type: ErrorReplyDto })
  @ApiResponse({ status: 409, type: ErrorReplyDto })
  async delete(@Param('name') name: string, @Query('revision') revision?: string): Promise<object> {
    const request = revision === undefined ? { name } : { name, revision: revisionOf(revision) };
    return httpReply(await this.service.deleteIntent(request));
  }
}

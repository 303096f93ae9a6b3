/**
 * The public request/reply subjects (SPEC: NATS subjects) over the Nest NATS transport, queue
 * group `intent-svc`. Thin: read the body, call one service method, reply the SPEC's body.
 */
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { SUBJECTS } from '@srv6/bus';
import { readDocument } from '../services/document-reader.js';
import { IntentsService } from '../services/intents.service.js';
import { toReply, type ServiceResult } from '../services/service-result.js';

type Body = Uint8Array;

@Controller()
export class IntentsHandler {
  constructor(private readonly service: IntentsService) {}

  private async withDocument<T extends object>(
    body: Body,
    run: (document: unknown) => Promise<ServiceResult<T>>,
  ): Promise<object> {
    const document = readDocument(body);
    return toReply(document.ok ? await run(document.value) : document);
  }

  @MessagePattern(SUBJECTS.intentsApply)
  async apply(@Payload() body: Body): Promise<object> {
    return toReply(await this.service.applyIntentBody(body));
  }

  @MessagePattern(SUBJECTS.intentsDelete)
  async delete(@Payload() body: Body): Promise<object> {
    return toReply(await this.service.deleteIntentBody(body));
  }

  @MessagePattern(SUBJECTS.intentsGet)
  get(@Payload() body: Body): Promise<object> {
    return this.withDocument(body, (request) => this.service.getIntent(request));
  }

  /** The body ({} by the SPEC) is not read. */
  @MessagePattern(SUBJECTS.intentsList)
  async list(): Promise<object> {
    return toReply(await this.service.listIntents());
  }

  @MessagePattern(SUBJECTS.topologyApply)
  async applyTopology(@Payload() body: Body): Promise<object> {
    return toReply(await this.service.applyTopologyBody(body));
  }

  /** Extension; the body ({}) is not read. */
  @MessagePattern(SUBJECTS.topologyGet)
  async getTopology(): Promise<object> {
    return toReply(await this.service.getTopology());
  }
}

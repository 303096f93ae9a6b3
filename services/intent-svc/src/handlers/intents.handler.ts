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

  /** `{}` by the SPEC; extended with `{limit?, after?}` for paging. An empty body is `{}`. */
  @MessagePattern(SUBJECTS.intentsList)
  list(@Payload() body: Body): Promise<object> {
    if (body.byteLength === 0) return this.service.listIntents({}).then(toReply);
    return this.withDocument(body, (request) => this.service.listIntents(request));
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

/** REST API for the topology: the same service and bodies as the NATS subjects. */
import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApplyReplyDto, ErrorReplyDto, TopologyReplyDto } from '../dtos/intent-api.dto.js';
import { IntentsService } from '../services/intents.service.js';
import { bodyBytes, httpReply } from './http-reply.js';

@ApiTags('topology')
@Controller('v1/topology')
export class TopologyController {
  constructor(private readonly service: IntentsService) {}

  @Put()
  @ApiConsumes('application/json', 'text/yaml')
  @ApiBody({
    description: 'A Topology (SPEC), JSON or YAML; metadata.revision makes it conditional',
    schema: { type: 'object', additionalProperties: true },
  })
  @ApiOkResponse({ type: ApplyReplyDto })
  @ApiResponse({ status: 400, type: ErrorReplyDto })
  @ApiResponse({ status: 409, type: ErrorReplyDto, description: 'stale revision' })
  @ApiResponse({ status: 413, type: ErrorReplyDto })
  async apply(@Body() body: unknown): Promise<object> {
    return httpReply(await this.service.applyTopologyBody(bodyBytes(body)));
  }

  @Get()
  @ApiOkResponse({ type: TopologyReplyDto })
  @ApiResponse({ status: 404, type: ErrorReplyDto, description: 'no topology applied yet' })
  async get(): Promise<object> {
    return httpReply(await this.service.getTopology());
  }
}

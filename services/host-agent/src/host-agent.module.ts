import { Module } from '@nestjs/common';

/** Root module of host-agent; providers arrive with the control-plane issue. */
@Module({})
export class HostAgentModule {}

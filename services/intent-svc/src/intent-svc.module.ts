import { Module } from '@nestjs/common';

/** Root module of intent-svc; providers arrive with the control-plane issue. */
@Module({})
export class IntentSvcModule {}

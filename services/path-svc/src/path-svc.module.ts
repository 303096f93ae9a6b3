import { Module } from '@nestjs/common';

/** Root module of path-svc; providers arrive with the control-plane issue. */
@Module({})
export class PathSvcModule {}

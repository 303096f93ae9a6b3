/** The Intent document (SPEC: Intent) as class-validator DTOs and as plain types. */
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  EachEntry,
  flexAlgoProblem,
  IsIpv6Prefix,
  labelProblem,
  nameProblem,
  objectEntryProblem,
  portEntryProblem,
  Satisfies,
  RequiredObject,
} from './field-validators.js';
import {
  API_VERSION,
  HOST_NAME_MAX_LENGTH,
  LINK_NAME_MAX_LENGTH,
  MAX_AVOID_ENTRIES,
  MAX_INTENT_HOSTS,
  MAX_PORT_ENTRIES,
  MAX_WAYPOINTS,
  MAX_WEIGHTED_OBJECTIVES,
  NODE_NAME_MAX_LENGTH,
  SERVICE_NAME_MAX_LENGTH,
} from './limits.js';
import {
  ADDITIVE_OBJECTIVE_TYPES,
  ENCAPSULATIONS,
  OBJECTIVE_TYPES,
  PROTOCOLS,
  type AdditiveObjectiveType,
  type Encapsulation,
  type ObjectiveType,
  type Protocol,
} from './objectives.js';
import { MetadataDto, type DocumentMetadata } from './topology.dto.js';

const FINITE = { allowNaN: false, allowInfinity: false };

/** A destination port (0..65535) or an inclusive range "low-high". */
export type PortEntry = number | string;

export interface IntentMatch {
  destination: string;
  /** Defaults to 'any' after validation. */
  protocol: Protocol;
  /** Omitted = all ports. */
  ports?: PortEntry[];
}

export interface WeightedObjective {
  type: AdditiveObjectiveType;
  weight: number;
}

export interface IntentConstraints {
  maxDelayMs?: number;
  maxJitterMs?: number;
  maxLossPercent?: number;
  minBandwidthMbps?: number;
  flexAlgo?: number;
  /** Service types, visited in order. */
  serviceChain?: string[];
  avoidNodes?: string[];
  avoidLinks?: string[];
  avoidTags?: string[];
  /** Ordered waypoints: node or service-instance names. */
  via?: string[];
}

export interface Intent {
  apiVersion: typeof API_VERSION;
  kind: 'Intent';
  metadata: DocumentMetadata;
  spec: {
    hosts: string[];
    match: IntentMatch;
    /** Exactly one of `objective` and `objectives` is set. */
    objective?: ObjectiveType;
    objectives?: WeightedObjective[];
    constraints?: IntentConstraints;
    /** Defaults to 'srh' after validation. */
    encapsulation: Encapsulation;
  };
}

/** Waypoints name a node or a service instance, so the longer of the two name limits applies. */
const WAYPOINT_NAME_MAX_LENGTH = Math.max(NODE_NAME_MAX_LENGTH, SERVICE_NAME_MAX_LENGTH);

export class MatchDto implements IntentMatch {
  @IsIpv6Prefix()
  destination!: string;

  @IsOptional()
  @IsIn(PROTOCOLS, { message: `protocol must be one of: ${PROTOCOLS.join(', ')}` })
  protocol!: Protocol;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'ports must not be empty (omit it to match all ports)' })
  @ArrayMaxSize(MAX_PORT_ENTRIES)
  @EachEntry(portEntryProblem)
  ports?: PortEntry[];
}

export class WeightedObjectiveDto implements WeightedObjective {
  @IsIn(ADDITIVE_OBJECTIVE_TYPES, {
    message: `weighted objectives must be additive: one of ${ADDITIVE_OBJECTIVE_TYPES.join(', ')}`,
  })
  type!: AdditiveObjectiveType;

  @IsNumber(FINITE)
  @Min(Number.MIN_VALUE, { message: 'weight must be greater than 0' })
  weight!: number;
}

export class ConstraintsDto implements IntentConstraints {
  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  maxDelayMs?: number;

  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  maxJitterMs?: number;

  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  @Max(100)
  maxLossPercent?: number;

  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  minBandwidthMbps?: number;

  @IsOptional()
  @Satisfies('isFlexAlgo', flexAlgoProblem)
  flexAlgo?: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_WAYPOINTS)
  @EachEntry(labelProblem)
  serviceChain?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_AVOID_ENTRIES)
  @EachEntry(nameProblem(NODE_NAME_MAX_LENGTH))
  avoidNodes?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_AVOID_ENTRIES)
  @EachEntry(nameProblem(LINK_NAME_MAX_LENGTH))
  avoidLinks?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_AVOID_ENTRIES)
  @EachEntry(labelProblem)
  avoidTags?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_WAYPOINTS)
  @EachEntry(nameProblem(WAYPOINT_NAME_MAX_LENGTH))
  via?: string[];
}

export class IntentSpecDto {
  @IsArray()
  @ArrayMinSize(1, { message: 'hosts must name at least one host' })
  @ArrayMaxSize(MAX_INTENT_HOSTS)
  @EachEntry(nameProblem(HOST_NAME_MAX_LENGTH))
  hosts!: string[];

  @RequiredObject('match', () => MatchDto)
  match!: MatchDto;

  /** Exclusive with `objectives`: checked by checkIntentShape. */
  @IsOptional()
  @IsIn(OBJECTIVE_TYPES, { message: `objective must be one of: ${OBJECTIVE_TYPES.join(', ')}` })
  objective?: ObjectiveType;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_WEIGHTED_OBJECTIVES)
  @EachEntry(objectEntryProblem('a weighted objective {type, weight}'))
  @ValidateNested({ each: true })
  @Type(() => WeightedObjectiveDto)
  objectives?: WeightedObjectiveDto[];

  @IsOptional()
  @IsObject({ message: 'constraints must be an object' })
  @ValidateNested()
  @Type(() => ConstraintsDto)
  constraints?: ConstraintsDto;

  @IsOptional()
  @IsIn(ENCAPSULATIONS, {
    message: `encapsulation must be one of: ${ENCAPSULATIONS.join(', ')}`,
  })
  encapsulation!: Encapsulation;
}

export class IntentDto implements Intent {
  @Equals(API_VERSION)
  apiVersion!: typeof API_VERSION;

  @Equals('Intent')
  kind!: 'Intent';

  @RequiredObject('metadata', () => MetadataDto)
  metadata!: MetadataDto;

  @RequiredObject('spec', () => IntentSpecDto)
  spec!: IntentSpecDto;
}

/** The Topology document (SPEC: Topology) as class-validator DTOs and as plain types. */
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  Equals,
  IsArray,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  EachEntry,
  flexAlgoProblem,
  IsIpv6Address,
  IsLabel,
  IsName,
  ipv6PrefixProblem,
  labelProblem,
  objectEntryProblem,
  RequiredObject,
} from './field-validators.js';
import {
  API_VERSION,
  DOCUMENT_NAME_MAX_LENGTH,
  HOST_NAME_MAX_LENGTH,
  IGP_METRIC_MAX,
  IGP_METRIC_MIN,
  LINK_NAME_MAX_LENGTH,
  MAX_FLEX_ALGOS_PER_LINK,
  MAX_LINKS,
  MAX_NODES,
  MAX_PREFIXES_PER_NODE,
  MAX_SERVICES,
  MAX_TAGS,
  MAX_TOPOLOGY_HOSTS,
  NODE_NAME_MAX_LENGTH,
  SERVICE_NAME_MAX_LENGTH,
} from './limits.js';

const FINITE = { allowNaN: false, allowInfinity: false };

export interface TopologyNode {
  name: string;
  /** End SID (/128 address). */
  sid: string;
  /** End.DT6 SID; required when `prefixes` is non-empty. */
  decapSid?: string;
  tags?: string[];
  prefixes?: string[];
}

export interface TopologyLink {
  /** Defaults to "<a>-<b>" after validation. */
  name: string;
  a: string;
  b: string;
  igpMetric: number;
  delayMs: number;
  bandwidthMbps: number;
  utilization?: number;
  lossPercent?: number;
  jitterMs?: number;
  flexAlgos?: number[];
  tags?: string[];
  /** End.X SIDs keyed by the node that owns them (an endpoint of the link). */
  adjSids?: Record<string, string>;
}

export interface TopologyService {
  name: string;
  type: string;
  node: string;
  sid: string;
}

export interface TopologyHost {
  name: string;
  attachedTo: string;
  address: string;
}

export interface DocumentMetadata {
  name: string;
  /** Conditional update: the revision the writer last saw. */
  revision?: number;
}

export interface Topology {
  apiVersion: typeof API_VERSION;
  kind: 'Topology';
  metadata: DocumentMetadata;
  spec: {
    nodes: TopologyNode[];
    links: TopologyLink[];
    services?: TopologyService[];
    hosts?: TopologyHost[];
  };
}

export class MetadataDto implements DocumentMetadata {
  @IsName(DOCUMENT_NAME_MAX_LENGTH)
  name!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  revision?: number;
}

export class NodeDto implements TopologyNode {
  @IsName(NODE_NAME_MAX_LENGTH)
  name!: string;

  @IsIpv6Address()
  sid!: string;

  @IsOptional()
  @IsIpv6Address()
  decapSid?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @EachEntry(labelProblem)
  tags?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_PREFIXES_PER_NODE)
  @EachEntry(ipv6PrefixProblem)
  prefixes?: string[];
}

export class LinkDto implements TopologyLink {
  @IsOptional()
  @IsName(LINK_NAME_MAX_LENGTH)
  name!: string;

  @IsString()
  a!: string;

  @IsString()
  b!: string;

  @IsInt()
  @Min(IGP_METRIC_MIN)
  @Max(IGP_METRIC_MAX)
  igpMetric!: number;

  @IsNumber(FINITE)
  @Min(0)
  delayMs!: number;

  @IsNumber(FINITE)
  @Min(0)
  bandwidthMbps!: number;

  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  @Max(1)
  utilization?: number;

  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  @Max(100)
  lossPercent?: number;

  @IsOptional()
  @IsNumber(FINITE)
  @Min(0)
  jitterMs?: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_FLEX_ALGOS_PER_LINK)
  @EachEntry(flexAlgoProblem)
  flexAlgos?: number[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TAGS)
  @EachEntry(labelProblem)
  tags?: string[];

  /** Keys and values are checked by checkTopology (paths `adjSids.<node>`). */
  @IsOptional()
  @IsObject()
  adjSids?: Record<string, string>;
}

export class ServiceDto implements TopologyService {
  @IsName(SERVICE_NAME_MAX_LENGTH)
  name!: string;

  @IsLabel()
  type!: string;

  @IsString()
  node!: string;

  @IsIpv6Address()
  sid!: string;
}

export class HostDto implements TopologyHost {
  @IsName(HOST_NAME_MAX_LENGTH)
  name!: string;

  @IsString()
  attachedTo!: string;

  @IsIpv6Address()
  address!: string;
}

export class TopologySpecDto {
  @IsArray()
  @ArrayMaxSize(MAX_NODES)
  @EachEntry(objectEntryProblem('a node'))
  @ValidateNested({ each: true })
  @Type(() => NodeDto)
  nodes!: NodeDto[];

  @IsArray()
  @ArrayMaxSize(MAX_LINKS)
  @EachEntry(objectEntryProblem('a link'))
  @ValidateNested({ each: true })
  @Type(() => LinkDto)
  links!: LinkDto[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SERVICES)
  @EachEntry(objectEntryProblem('a service instance'))
  @ValidateNested({ each: true })
  @Type(() => ServiceDto)
  services?: ServiceDto[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TOPOLOGY_HOSTS)
  @EachEntry(objectEntryProblem('a host'))
  @ValidateNested({ each: true })
  @Type(() => HostDto)
  hosts?: HostDto[];
}

export class TopologyDto implements Topology {
  @Equals(API_VERSION)
  apiVersion!: typeof API_VERSION;

  @Equals('Topology')
  kind!: 'Topology';

  @RequiredObject('metadata', () => MetadataDto)
  metadata!: MetadataDto;

  @RequiredObject('spec', () => TopologySpecDto)
  spec!: TopologySpecDto;
}

/** Small hand-made topologies and intents for the tests, validated by @srv6/schema. */
import {
  validateIntent,
  validateTopology,
  type Intent,
  type IntentConstraints,
  type ObjectiveType,
  type Topology,
  type WeightedObjective,
} from '@srv6/schema';

export interface NodeSpec {
  name: string;
  tags?: string[];
}

export interface LinkSpec {
  a: string;
  b: string;
  name?: string;
  igp?: number;
  delay?: number;
  bw?: number;
  loss?: number;
  jitter?: number;
  util?: number;
  algos?: number[];
  tags?: string[];
  /** Nodes owning an End.X SID on this link. */
  adj?: string[];
}

export interface ServiceSpec {
  name: string;
  type: string;
  node: string;
}

export const EGRESS_PREFIX = '2001:db8:b::/64';

export const nodeSid = (index: number): string => `fc00:0:${index + 1}::1`;
export const decapSid = (index: number): string => `fc00:0:${index + 1}::d6`;
export const adjSid = (link: number, owner: number): string => `fc00:1:${link + 1}::${owner + 1}`;
export const serviceSid = (index: number): string => `fc00:2:${index + 1}::1`;

/** Node i gets SID fc00:0:<i+1>::1; the egress owns EGRESS_PREFIX; host `h` sits on `ingress`. */
export function makeTopology(
  nodes: Array<string | NodeSpec>,
  links: LinkSpec[],
  options: { services?: ServiceSpec[]; ingress?: string; egress?: string } = {},
): Topology {
  const specs = nodes.map((node) => (typeof node === 'string' ? { name: node } : node));
  const index = new Map(specs.map((node, i) => [node.name, i]));
  const egress = options.egress ?? specs[specs.length - 1]!.name;
  const document = {
    apiVersion: 'srv6.intents/v1',
    kind: 'Topology',
    metadata: { name: 'test' },
    spec: {
      nodes: specs.map((node, i) => ({
        name: node.name,
        sid: nodeSid(i),
        decapSid: decapSid(i),
        ...(node.tags ? { tags: node.tags } : {}),
        ...(node.name === egress ? { prefixes: [EGRESS_PREFIX] } : {}),
      })),
      links: links.map((link, i) => ({
        ...(link.name ? { name: link.name } : {}),
        a: link.a,
        b: link.b,
        igpMetric: link.igp ?? 1,
        delayMs: link.delay ?? 1,
        bandwidthMbps: link.bw ?? 1000,
        ...(link.loss !== undefined ? { lossPercent: link.loss } : {}),
        ...(link.jitter !== undefined ? { jitterMs: link.jitter } : {}),
        ...(link.util !== undefined ? { utilization: link.util } : {}),
        ...(link.algos ? { flexAlgos: link.algos } : {}),
        ...(link.tags ? { tags: link.tags } : {}),
        ...(link.adj
          ? {
              adjSids: Object.fromEntries(
                link.adj.map((owner) => [owner, adjSid(i, index.get(owner)!)]),
              ),
            }
          : {}),
      })),
      services: (options.services ?? []).map((service, i) => ({
        ...service,
        sid: serviceSid(i),
      })),
      hosts: [
        { name: 'h', attachedTo: options.ingress ?? specs[0]!.name, address: '2001:db8:a::1' },
      ],
    },
  };
  const result = validateTopology(document);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

export interface IntentSpec {
  objective?: ObjectiveType;
  objectives?: WeightedObjective[];
  constraints?: IntentConstraints;
}

export function makeIntent(topology: Topology, spec: IntentSpec): Intent {
  const document = {
    apiVersion: 'srv6.intents/v1',
    kind: 'Intent',
    metadata: { name: 'test' },
    spec: {
      hosts: ['h'],
      match: { destination: EGRESS_PREFIX },
      ...(spec.objectives
        ? { objectives: spec.objectives }
        : { objective: spec.objective ?? 'low-latency' }),
      ...(spec.constraints ? { constraints: spec.constraints } : {}),
    },
  };
  const result = validateIntent(document, topology);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

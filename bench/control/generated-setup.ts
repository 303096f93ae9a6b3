/**
 * The generated topology, validated as the services would, and facts about it for the report.
 * Shared by the compute and recompute sections (generated once per run).
 */
import { buildGraph, IgpOracle } from '@srv6/path';
import { validateIntent, validateTopology, type Intent, type Topology } from '@srv6/schema';
import { timed } from './latency.js';
import { progress } from '../common/progress.js';
import { generateTopology, type GeneratedTopology } from './topology-generator.js';

export interface TopologyFacts {
  readonly name: string;
  readonly seed: number;
  readonly nodes: number;
  readonly links: number;
  readonly tiers: GeneratedTopology['tiers'];
  readonly hosts: number;
  readonly egresses: number;
  readonly services: number;
  readonly linksWithAdjSids: number;
  /** Directed edges no segment can force (ECMP, no End.X SID): path search must avoid them. */
  readonly unencodableEdges: number;
  readonly directedEdges: number;
  readonly generateMs: number;
  readonly validateMs: number;
}

export interface GeneratedSetup {
  readonly generated: GeneratedTopology;
  /** validateTopology's output (link names filled in), what path-svc computes on. */
  readonly topology: Topology;
  readonly facts: TopologyFacts;
}

export const HOSTS = 50;
export const EGRESSES = 50;

export function generatedSetup(nodes: number, links: number, seed: number): GeneratedSetup {
  const generation = timed(() =>
    generateTopology({ nodes, links, hosts: HOSTS, egresses: EGRESSES, seed }),
  );
  const generated = generation.value;
  const validation = timed(() => validateTopology(structuredClone(generated.topology)));
  const result = validation.value;
  if (!result.ok) {
    const first = result.errors
      .slice(0, 5)
      .map((error) => `${error.path}: ${error.message}`)
      .join('; ');
    throw new Error(`the generated topology is invalid: ${first}`);
  }
  const topology = result.value;
  const graph = buildGraph(topology);
  const oracle = new IgpOracle(graph);
  const unencodableEdges = graph.edges.filter((edge) => !oracle.encodable(edge)).length;
  const facts: TopologyFacts = {
    name: topology.metadata.name,
    seed,
    nodes: topology.spec.nodes.length,
    links: topology.spec.links.length,
    tiers: generated.tiers,
    hosts: topology.spec.hosts?.length ?? 0,
    egresses: generated.egresses.length,
    services: topology.spec.services?.length ?? 0,
    linksWithAdjSids: topology.spec.links.filter((link) => link.adjSids !== undefined).length,
    unencodableEdges,
    directedEdges: graph.edges.length,
    generateMs: generation.ms,
    validateMs: validation.ms,
  };
  progress(
    `generated ${facts.name}: ${facts.nodes} nodes (${facts.tiers.core} core, ` +
      `${facts.tiers.aggregation} aggregation, ${facts.tiers.access} access), ${facts.links} links; ` +
      `${unencodableEdges} of ${graph.edges.length} directed edges not encodable`,
  );
  return { generated, topology, facts };
}

/** validateIntent against the topology, as intent-svc does; the bench's intents must pass. */
export function validated(intent: Intent, topology: Topology): Intent {
  const result = validateIntent(intent, topology);
  if (!result.ok) {
    throw new Error(
      `bench intent ${intent.metadata.name} is invalid: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    );
  }
  return result.value;
}

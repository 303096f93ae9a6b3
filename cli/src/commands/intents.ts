/** `srv6 get intents`, `srv6 delete intent NAME`, `srv6 topology show`. */
import { SUBJECTS, FieldError } from '@srv6/bus';
import { request, withBus, type BusTarget } from '../bus-client.js';
import { refuse } from '../documents.js';
import { OutputFormat, render, table } from '../output.js';

interface IntentSummary {
  name: string;
  revision: number;
  intent: {
    spec: {
      hosts: string[];
      match: { destination: string; protocol?: string };
      objective?: string;
    };
  };
}

type Reply<T> = ({ ok: true } & T) | { ok: false; errors: FieldError[] };

/** Every intent: a reply holds one page (as many as fit one message); `next` asks for more. */
export async function getIntents(bus: BusTarget, format: OutputFormat): Promise<string> {
  const intents = await withBus(bus, async (nc) => {
    const all: IntentSummary[] = [];
    for (let after: string | undefined; ;) {
      const reply = await request<Reply<{ intents: IntentSummary[]; next?: string }>>(
        nc,
        SUBJECTS.intentsList,
        after === undefined ? {} : { after },
      );
      if (!reply.ok) refuse('list', reply.errors);
      all.push(...reply.intents);
      if (reply.next === undefined) return all;
      after = reply.next;
    }
  });
  return render(format, intents, () =>
    table(
      ['name', 'revision', 'hosts', 'destination', 'protocol', 'objective'],
      intents.map(({ name, revision, intent }) => ({
        name,
        revision,
        hosts: intent.spec.hosts.join(','),
        destination: intent.spec.match.destination,
        protocol: intent.spec.match.protocol ?? 'any',
        objective: intent.spec.objective ?? 'weighted',
      })),
    ),
  );
}

export async function deleteIntent(bus: BusTarget, name: string): Promise<string> {
  const reply = await withBus(bus, (nc) =>
    request<Reply<{ name: string }>>(nc, SUBJECTS.intentsDelete, { name }),
  );
  if (!reply.ok) refuse(`delete ${name}`, reply.errors);
  return `intent ${name} deleted`;
}

export async function showTopology(bus: BusTarget, format: OutputFormat): Promise<string> {
  const reply = await withBus(bus, (nc) =>
    request<
      Reply<{
        topology: {
          metadata: { name: string };
          spec: { nodes: unknown[]; links: Array<Record<string, unknown>> };
        };
        revision: number;
      }>
    >(nc, SUBJECTS.topologyGet, {}),
  );
  if (!reply.ok) refuse('topology show', reply.errors);
  return render(format === 'table' ? 'table' : format, reply.topology, () =>
    [
      `topology ${reply.topology.metadata.name} (revision ${reply.revision}): ${reply.topology.spec.nodes.length} nodes, ${reply.topology.spec.links.length} links`,
      table(['name', 'a', 'b', 'igpMetric', 'delayMs', 'bandwidthMbps'], reply.topology.spec.links),
    ].join('\n'),
  );
}

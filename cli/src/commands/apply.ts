/** `srv6 apply -f FILE` and `srv6 topology apply -f FILE`: send documents to intent-svc. */
import { ApplyReply, SUBJECTS } from '@srv6/bus';
import { request, withBus, type BusTarget } from '../bus-client.js';
import { readDocument, refuse } from '../documents.js';

export async function applyFile(bus: BusTarget, file: string, only?: 'Topology'): Promise<string> {
  const document = readDocument(file) as { kind?: unknown };
  const kind = document.kind === 'Topology' || only === 'Topology' ? 'Topology' : 'Intent';
  const subject = kind === 'Topology' ? SUBJECTS.topologyApply : SUBJECTS.intentsApply;
  const reply = await withBus(bus, (nc) => request<ApplyReply>(nc, subject, document));
  if (!reply.ok) refuse(`${kind.toLowerCase()} ${file}`, reply.errors);
  return `${kind.toLowerCase()} ${reply.name} applied (revision ${reply.revision})`;
}

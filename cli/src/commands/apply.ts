/** `srv6 apply -f FILE` and `srv6 topology apply -f FILE`: send documents to intent-svc. */
import { ApplyReply, SUBJECTS } from '@srv6/bus';
import { request, withBus, type BusTarget } from '../bus-client.js';
import { readDocumentText, refuse } from '../documents.js';

/**
 * The file's text is sent as it is (the services parse it the same way): re-encoding it as
 * JSON would change it, e.g. YAML's .inf and .nan would become null, an omitted value.
 */
export async function applyFile(bus: BusTarget, file: string, only?: 'Topology'): Promise<string> {
  const { text, document } = readDocumentText(file);
  const kind =
    (document as { kind?: unknown } | null)?.kind === 'Topology' || only === 'Topology'
      ? 'Topology'
      : 'Intent';
  const subject = kind === 'Topology' ? SUBJECTS.topologyApply : SUBJECTS.intentsApply;
  const reply = await withBus(bus, (nc) => request<ApplyReply>(nc, subject, text));
  if (!reply.ok) refuse(`${kind.toLowerCase()} ${file}`, reply.errors);
  return `${kind.toLowerCase()} ${reply.name} applied (revision ${reply.revision})`;
}

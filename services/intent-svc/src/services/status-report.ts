/**
 * Pure: whether a host-agent's status report may be republished on the public subject.
 * Agents publish on `srv6.agent.<host>.status.<intent>`, and nats-server lets each agent publish
 * only on its own host's subjects; the report's body must be about that same host and intent,
 * so no agent can speak for another host. Anything else is dropped, with why.
 */
import { decodeText, statusSubject, type IntentState } from '@srv6/bus';

const STATES: ReadonlySet<IntentState> = new Set([
  'pending',
  'programmed',
  'unsatisfiable',
  'error',
]);
const NAME = /^[a-z0-9-]{1,63}$/;

export type ReportDecision =
  | { readonly ok: true; readonly subject: string; readonly host: string; readonly intent: string }
  | { readonly ok: false; readonly reason: string };

export function checkStatusReport(subject: string, data: Uint8Array): ReportDecision {
  const tokens = subject.split('.');
  const [root, agent, host, status, intent] = tokens;
  if (
    tokens.length !== 5 ||
    root !== 'srv6' ||
    agent !== 'agent' ||
    status !== 'status' ||
    !NAME.test(host ?? '') ||
    !NAME.test(intent ?? '')
  ) {
    return { ok: false, reason: `not a status report subject: ${subject}` };
  }
  const text = decodeText(data);
  if (!text.ok) return { ok: false, reason: text.errors[0]!.message };
  let body: unknown;
  try {
    body = JSON.parse(text.text);
  } catch {
    return { ok: false, reason: 'the report is not JSON' };
  }
  const record = body as Record<string, unknown> | null;
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return { ok: false, reason: 'the report is not a JSON object' };
  }
  if (record['host'] !== host) {
    return {
      ok: false,
      reason: `a report on ${host}'s subject names host ${String(record['host'])}`,
    };
  }
  if (record['intent'] !== intent) {
    return {
      ok: false,
      reason: `a report on ${intent}'s subject names intent ${String(record['intent'])}`,
    };
  }
  if (!STATES.has(record['state'] as IntentState)) {
    return { ok: false, reason: `unknown state ${String(record['state'])}` };
  }
  return { ok: true, subject: statusSubject(intent!), host: host!, intent: intent! };
}

/**
 * Every NATS subject, KV bucket and stream the system uses, in one place (docs/bus.md says what
 * each carries). Public subjects are the SPEC's; the rest are internal and may change.
 */
export const SUBJECTS = {
  intentsApply: 'srv6.intents.apply',
  intentsDelete: 'srv6.intents.delete',
  intentsGet: 'srv6.intents.get',
  intentsList: 'srv6.intents.list',
  topologyApply: 'srv6.topology.apply',
  /** Extension: request/reply, body {} → the stored topology. */
  topologyGet: 'srv6.topology.get',
  /** Extension: request/reply, body {name} → per-host policies and status of an intent. */
  intentsDescribe: 'srv6.intents.describe',
} as const;

/**
 * Per-host state changes of an intent (SPEC). Only intent-svc publishes here: it republishes
 * what host-agents report on their own agentStatusSubject, after checking that the report is
 * about the host the subject names (an agent may publish on its own host's subjects only).
 */
export const statusSubject = (intent: string): string => `srv6.status.intents.${intent}`;
/** Every intent's status events (what a client subscribes to for all of them). */
export const STATUS_SUBJECTS = 'srv6.status.intents.>';
/** Internal: a host-agent's status report of one intent; per host, so permissions can pin it. */
export const agentStatusSubject = (host: string, intent: string): string =>
  `srv6.agent.${host}.status.${intent}`;
/** What intent-svc listens on to republish status reports (queue group `intent-svc`). */
export const AGENT_STATUS_SUBJECTS = 'srv6.agent.*.status.*';

/** JetStream stream of change events (internal): intent-svc publishes, path-svc consumes. */
export const EVENTS_STREAM = 'SRV6_EVENTS';
export const EVENTS_SUBJECTS = 'srv6.events.>';
export const intentEventSubject = (intent: string): string => `srv6.events.intents.${intent}`;
export const TOPOLOGY_EVENT_SUBJECT = 'srv6.events.topology';
/** The durable consumer all path-svc instances share: each event goes to one of them. */
export const PATH_SVC_CONSUMER = 'path-svc';

export const BUCKETS = {
  /** key: intent name → the validated Intent (JSON). Revisions = optimistic concurrency. */
  intents: 'srv6-intents',
  /** key `current` → the validated Topology (JSON). */
  topology: 'srv6-topology',
  /** key `<host>.<intent>` → PolicyRecord: what that host must program. */
  policies: 'srv6-policies',
  /** key `<host>.<intent>` → StatusRecord: what that host reports. */
  status: 'srv6-status',
} as const;

export const TOPOLOGY_KEY = 'current';
export const policyKey = (host: string, intent: string): string => `${host}.${intent}`;
/** KV watch filter for one host's policies. */
export const hostPolicyFilter = (host: string): string => `${host}.*`;

/** Largest message body accepted on the public subjects (the nats-server default max_payload). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Who may publish and subscribe to what on NATS: one user per service, one per host-agent and
 * one for clients (CLI, lab, HTTP-less tools). Every JetStream operation is a request on a
 * `$JS.API.…` subject, so the same publish permissions decide which streams and keys each user
 * can read or write. docs/security.md explains each line; test/security.spec.ts checks them
 * against the real nats-server.
 *
 * What the clients (nats.js 3 against nats-server 2.9) send, per operation:
 * - KV put/create/update/delete: a JetStream publish on `$KV.<bucket>.<key>`.
 * - KV get by key: `$JS.API.DIRECT.GET.KV_<bucket>.$KV.<bucket>.<key>` (buckets are opened with
 *   direct get); by revision: `$JS.API.DIRECT.GET.KV_<bucket>` (the key is in the body).
 * - KV keys/watch: an ordered push consumer, `$JS.API.CONSUMER.CREATE.KV_<bucket>.<name>.<filter>`
 *   (nats-server refuses a body whose filter differs from the subject's), then
 *   `$JS.API.CONSUMER.INFO.KV_<bucket>.<name>`, messages on the user's inbox, flow-control replies
 *   on `$JS.FC.KV_<bucket>.…`.
 * - Durable pull consumer: `$JS.API.CONSUMER.INFO|CREATE.<stream>.<durable>`,
 *   `$JS.API.CONSUMER.MSG.NEXT.<stream>.<durable>`, acks on `$JS.ACK.<stream>.<durable>.…`.
 * - Creating streams: `$JS.API.STREAM.INFO|CREATE.<stream>`; `$JS.API.INFO` checks JetStream.
 */
import { inboxPrefixFor } from './connection.js';
import {
  AGENT_STATUS_SUBJECTS,
  agentStatusSubject,
  BUCKETS,
  EVENTS_STREAM,
  EVENTS_SUBJECTS,
  PATH_SVC_CONSUMER,
  STATUS_SUBJECTS,
  SUBJECTS,
} from './names.js';
import { kvStream, SYSTEM_STREAMS } from './storage.js';

export interface NatsPermissions {
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
  /** May answer requests it received (publish to their reply subjects). */
  readonly allowResponses: boolean;
}

export const INTENT_SVC_USER = 'intent-svc';
export const PATH_SVC_USER = 'path-svc';
/** The CLI, the lab and any client of the public subjects. */
export const CLIENT_USER = 'client';
/** A host-agent's user: `agent-<host>` (cannot collide with the service users). */
export const agentUser = (host: string): string => `agent-${host}`;
export const SERVICE_USERS = [INTENT_SVC_USER, PATH_SVC_USER, CLIENT_USER] as const;

const API = '$JS.API';
const inbox = (user: string): string => `${inboxPrefixFor(user)}.>`;

/** Read a whole bucket: get by key or revision, keys, watch. */
function readBucket(bucket: string): string[] {
  const stream = kvStream(bucket);
  return [
    `${API}.STREAM.INFO.${stream}`,
    `${API}.DIRECT.GET.${stream}`,
    `${API}.DIRECT.GET.${stream}.>`,
    `${API}.CONSUMER.CREATE.${stream}.>`,
    `${API}.CONSUMER.INFO.${stream}.*`,
    `$JS.FC.${stream}.>`,
  ];
}

const writeBucket = (bucket: string): string => `$KV.${bucket}.>`;

/** Services create the system's streams when missing (fixed names and settings). */
const createStreams = (): string[] => [
  `${API}.INFO`,
  ...SYSTEM_STREAMS.flatMap((stream) => [
    `${API}.STREAM.INFO.${stream}`,
    `${API}.STREAM.CREATE.${stream}`,
  ]),
];

const PUBLIC_REQUESTS = [
  SUBJECTS.intentsApply,
  SUBJECTS.intentsDelete,
  SUBJECTS.intentsGet,
  SUBJECTS.intentsList,
  SUBJECTS.topologyApply,
  SUBJECTS.topologyGet,
];

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

export function intentSvcPermissions(): NatsPermissions {
  return {
    publish: unique([
      ...createStreams(),
      writeBucket(BUCKETS.intents),
      writeBucket(BUCKETS.topology),
      ...readBucket(BUCKETS.intents),
      ...readBucket(BUCKETS.topology),
      EVENTS_SUBJECTS,
      STATUS_SUBJECTS,
    ]),
    subscribe: [...PUBLIC_REQUESTS, AGENT_STATUS_SUBJECTS, inbox(INTENT_SVC_USER)],
    allowResponses: true,
  };
}

export function pathSvcPermissions(): NatsPermissions {
  const events = `${API}.CONSUMER`;
  return {
    publish: unique([
      ...createStreams(),
      ...readBucket(BUCKETS.intents),
      ...readBucket(BUCKETS.topology),
      ...readBucket(BUCKETS.policies),
      writeBucket(BUCKETS.policies),
      `${events}.INFO.${EVENTS_STREAM}.${PATH_SVC_CONSUMER}`,
      `${events}.CREATE.${EVENTS_STREAM}.${PATH_SVC_CONSUMER}`,
      `${events}.MSG.NEXT.${EVENTS_STREAM}.${PATH_SVC_CONSUMER}`,
      `$JS.ACK.${EVENTS_STREAM}.${PATH_SVC_CONSUMER}.>`,
    ]),
    subscribe: [inbox(PATH_SVC_USER)],
    allowResponses: false,
  };
}

/**
 * A host-agent: watch its own policies (`<host>.*`: the consumer's filter is in the create
 * subject, so only that filter is allowed), write its own statuses, report on its own subject.
 */
export function agentPermissions(host: string): NatsPermissions {
  const policies = kvStream(BUCKETS.policies);
  return {
    publish: [
      `${API}.INFO`,
      `${API}.STREAM.INFO.${policies}`,
      `${API}.STREAM.INFO.${kvStream(BUCKETS.status)}`,
      `${API}.CONSUMER.CREATE.${policies}.*.$KV.${BUCKETS.policies}.${host}.*`,
      `${API}.CONSUMER.INFO.${policies}.*`,
      `$JS.FC.${policies}.>`,
      `$KV.${BUCKETS.status}.${host}.*`,
      agentStatusSubject(host, '*'),
    ],
    subscribe: [inbox(agentUser(host))],
    allowResponses: false,
  };
}

/** Clients: the public subjects, status events, and reading policies and statuses (describe). */
export function clientPermissions(): NatsPermissions {
  return {
    publish: unique([
      ...PUBLIC_REQUESTS,
      `${API}.INFO`,
      ...readBucket(BUCKETS.policies),
      ...readBucket(BUCKETS.status),
    ]),
    subscribe: [STATUS_SUBJECTS, inbox(CLIENT_USER)],
    allowResponses: false,
  };
}

/** The permissions of a user by name (agents: `agent-<host>`). */
export function permissionsFor(user: string): NatsPermissions {
  if (user === INTENT_SVC_USER) return intentSvcPermissions();
  if (user === PATH_SVC_USER) return pathSvcPermissions();
  if (user === CLIENT_USER) return clientPermissions();
  if (user.startsWith('agent-')) return agentPermissions(user.slice('agent-'.length));
  throw new Error(`no permissions defined for NATS user '${user}'`);
}

/**
 * Issue 5, "Bad input (nothing half-applied, nothing crashes)", the fuzz: ≥ 2,000 random and
 * mutated intents and topologies (test/support/fuzz-documents.ts), made by fast-check from a
 * seed that is printed (FUZZ_SEED=<seed> replays a run, FUZZ_RUNS changes the count), sent to
 * the real services behind the real nats-server (TLS, per-process users): raw NATS requests on
 * the SPEC subjects (pipelined), HTTP with the write token, and the `srv6` CLI.
 *
 * Checks: each request is either accepted — and then libs/schema's validateIntent /
 * validateTopology accept the same bytes and what is stored is exactly their result — or
 * refused with errors that each name a field path of the document and a reason (or a reason
 * for the whole document); no service exits or restarts; the stored state afterwards (list,
 * each get, the topology) is the state before plus exactly the accepted documents, last write
 * wins per name; the KV and event streams grew by exactly the accepted writes (a refused one
 * wrote nothing); intent-svc's resident memory stays within a generous bound; path-svc and the
 * agent keep up with what was accepted and still program a new intent afterwards.
 */
import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';
import { decodeText, MAX_MESSAGE_BYTES, SUBJECTS, type FieldError } from '@srv6/bus';
import {
  parseDocument,
  validateIntent,
  validateTopology,
  type Intent,
  type Topology,
} from '@srv6/schema';
import {
  fuzzDocument,
  type FuzzDocument,
  type Json,
  type Target,
} from './support/fuzz-documents.js';
import { eventually, SecureStack, type Reply } from './support/secure-stack.js';

jest.setTimeout(180_000);

const SEED = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 2000);
const AGENT_HOST = 'host-a1';
/** intent-svc may hold caches and a grown heap after the run, but not a leak per request. */
const RSS_GROWTH_LIMIT = 256 * 1024 * 1024;
/** Documents per round (topologies first, then intents at once). */
const ROUND = 250;
const REPLAY = `replay: FUZZ_SEED=${SEED} node --experimental-vm-modules node_modules/jest/bin/jest.js test/bad-input-fuzz.spec.ts`;

type Transport = 'nats' | 'http' | 'cli';
/** Every 20th case through the CLI (spawning is slow), every 10th over HTTP, the rest NATS. */
const transportOf = (index: number): Transport =>
  index % 20 === 7 ? 'cli' : index % 10 === 3 ? 'http' : 'nats';

interface Case extends FuzzDocument {
  readonly index: number;
  readonly transport: Transport;
}

type Outcome =
  | { readonly accepted: true; readonly name: string; readonly revision: number }
  | { readonly accepted: false; readonly errors: readonly FieldError[] };

/** What libs/schema says of the bytes, against the topology stored when they are sent. */
type Verdict =
  | {
      readonly ok: true;
      readonly name: string;
      readonly stored: unknown;
      readonly conditional: boolean;
    }
  | { readonly ok: false; readonly parsed?: unknown; readonly why: string };

const examples = readFileSync('examples/topology.yaml', 'utf8');
const baseTopology = parse(examples) as Json;
const exampleIntents = [
  'low-latency',
  'via',
  'service-chain',
  'weighted-objectives',
  'avoid-links',
  'max-delay',
  'flex-algo',
  'low-bandwidth',
].map((name) => parse(readFileSync(`examples/${name}.yaml`, 'utf8')) as Json);
let stack: SecureStack | undefined;

beforeAll(async () => {
  stack = await SecureStack.start('s6fz', [{ host: AGENT_HOST }]);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** The stored form: what validation returns, without metadata.revision, as JSON. */
function storedForm(document: Intent | Topology): unknown {
  return JSON.parse(JSON.stringify({ ...document, metadata: { name: document.metadata.name } }));
}

function verdict(body: Uint8Array, target: Target, topology: Topology): Verdict {
  if (body.byteLength > MAX_MESSAGE_BYTES) return { ok: false, why: 'larger than the limit' };
  const text = decodeText(body);
  if (!text.ok) return { ok: false, why: 'not UTF-8' };
  const parsed = parseDocument(text.text);
  if (!parsed.ok) return { ok: false, why: 'not JSON or YAML' };
  let result;
  try {
    result =
      target === 'intent' ? validateIntent(parsed.value, topology) : validateTopology(parsed.value);
  } catch (error) {
    // The service must still refuse it with a reason; the check below says so.
    return { ok: false, parsed: parsed.value, why: `validation threw ${String(error)}` };
  }
  if (!result.ok) return { ok: false, parsed: parsed.value, why: 'invalid' };
  return {
    ok: true,
    name: result.value.metadata.name,
    stored: storedForm(result.value),
    conditional: result.value.metadata.revision !== undefined,
  };
}

/** The value at a field path such as `spec.links[3].adjSids`, or undefined. */
function valueAt(document: unknown, path: string): unknown {
  let node = document;
  for (const [, index, key] of path.matchAll(/\[(\d+)\]|\.?([^.[\]]+)/g)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[index ?? key!];
  }
  return node;
}

/**
 * Why these errors are not what a refusal must be, or undefined: at least one; each a path and
 * a reason; never an internal error; a path names a field of the document (its parent exists;
 * for an unknown field, the object holding it).
 */
function badErrors(errors: unknown, document: unknown): string | undefined {
  if (!Array.isArray(errors) || errors.length === 0) return `no errors: ${JSON.stringify(errors)}`;
  for (const error of errors as Array<Partial<FieldError>>) {
    const { path, message } = error;
    if (typeof path !== 'string' || typeof message !== 'string' || message.trim() === '')
      return `malformed error ${JSON.stringify(error).slice(0, 300)}`;
    if (/internal error|\bat .*\.js:\d+/i.test(message))
      return `not a reason: ${message.slice(0, 300)}`;
    if (path === '' || document === undefined || path.includes('…')) continue;
    const unknown = /^unknown field '(.*)'/s.exec(message)?.[1];
    const parent =
      unknown !== undefined && path.endsWith(unknown)
        ? path.slice(0, path.length - unknown.length).replace(/\.$/, '')
        : path.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    const holder = parent === path ? document : valueAt(document, parent);
    if (holder === null || typeof holder !== 'object')
      return `path ${path.slice(0, 200)} names no field of the document (${message.slice(0, 200)})`;
  }
  return undefined;
}

async function sendNats(item: Case): Promise<Outcome> {
  const subject = item.target === 'intent' ? SUBJECTS.intentsApply : SUBJECTS.topologyApply;
  let reply: Reply;
  try {
    reply = await stack!.request(subject, item.body, 5_000);
  } catch (error) {
    const message = String(error);
    // nats.js refuses to send more than the server's max_payload (MAX_MESSAGE_BYTES).
    if (item.body.byteLength > MAX_MESSAGE_BYTES && /max_payload/.test(message))
      return { accepted: false, errors: [{ path: '', message }] };
    throw new Error(`no reply: ${message}`);
  }
  if (reply.ok === true) {
    if (Object.keys(reply).sort().join() !== 'name,ok,revision')
      throw new Error(`reply ${JSON.stringify(reply)}`);
    return { accepted: true, name: reply.name, revision: reply.revision };
  }
  if (Object.keys(reply).sort().join() !== 'errors,ok')
    throw new Error(`reply ${JSON.stringify(reply).slice(0, 300)}`);
  return { accepted: false, errors: reply.errors };
}

async function sendHttp(item: Case): Promise<Outcome> {
  const type = ['application/json', 'text/yaml', 'application/octet-stream'][item.index % 3];
  const { status, body } = await stack!.httpApply(item.target, item.body, type);
  if (status === 200 && body.ok === true)
    return { accepted: true, name: body.name, revision: body.revision };
  if ([400, 409, 413].includes(status) && body.ok === false)
    return { accepted: false, errors: body.errors };
  throw new Error(`HTTP ${status} ${JSON.stringify(body).slice(0, 300)}`);
}

async function sendCli(item: Case): Promise<Outcome> {
  const { status, stdout, stderr, applied, errors } = await stack!.cliApply(item.target, item.body);
  if (applied) return { accepted: true, ...applied };
  if (status !== 1 || stdout !== '' || !stderr.startsWith('srv6: '))
    throw new Error(
      `exit ${status}, stdout ${stdout.slice(0, 200)}, stderr ${stderr.slice(0, 500)}`,
    );
  return { accepted: false, errors };
}

const SENDERS: Record<Transport, (item: Case) => Promise<Outcome>> = {
  nats: sendNats,
  http: sendHttp,
  cli: sendCli,
};

/** Runs `work` over `items`, at most `limit` at once. */
async function inPool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

it(`${RUNS} random and mutated documents: accepted exactly as validated, or refused with field paths; nothing crashes, nothing half-applied`, async () => {
  const s = stack!;
  process.stdout.write(`[bad-input fuzz] seed ${SEED}, ${RUNS} documents (${REPLAY})\n`);
  const started = Date.now();

  // The state before: the example topology and two intents the fuzz never names.
  let topology = validateTopology(baseTopology);
  if (!topology.ok) throw new Error('examples/topology.yaml is invalid');
  expect(await s.request(SUBJECTS.topologyApply, baseTopology)).toMatchObject({ ok: true });
  for (const name of ['kept-a', 'kept-b']) {
    const kept = structuredClone(exampleIntents[0]) as { metadata: { name: string } };
    kept.metadata.name = name;
    expect(await s.request(SUBJECTS.intentsApply, kept)).toMatchObject({ ok: true });
  }
  const before = await s.storedState();
  const sequencesBefore = await s.streamSequences();
  const rssBefore = s.rssBytes('intent-svc');

  const documents = fc.sample(
    fuzzDocument({ intents: exampleIntents, topology: baseTopology, maxBytes: MAX_MESSAGE_BYTES }),
    { seed: SEED, numRuns: RUNS },
  );
  const cases: Case[] = documents.map((document, index) => ({
    ...document,
    index,
    transport: transportOf(index),
  }));
  const failures: string[] = [];
  const winners = new Map<string, { revision: number; stored: unknown }>();
  let topologyWinner: { revision: number; stored: unknown } | undefined;
  const counts = { accepted: { intent: 0, topology: 0 }, refused: 0 };
  const fail = (item: Case, problem: string): void =>
    void failures.push(
      `#${item.index} ${item.transport} → ${item.target} [${item.label}]: ${problem}`,
    );

  /** Sends one case and checks the outcome against the verdict for `against`. */
  const run = async (item: Case, target: Target, against: Topology): Promise<void> => {
    const expected = verdict(item.body, target, against);
    let outcome: Outcome;
    try {
      outcome = await SENDERS[item.transport]({ ...item, target });
    } catch (error) {
      return fail(item, String(error));
    }
    if (outcome.accepted) {
      if (!expected.ok)
        return fail(
          item,
          `accepted (revision ${outcome.revision}), but libs/schema says ${expected.why}`,
        );
      if (outcome.name !== expected.name)
        return fail(item, `accepted as ${outcome.name}, not ${expected.name}`);
      counts.accepted[target]++;
      if (target === 'topology') {
        if (!topologyWinner || outcome.revision > topologyWinner.revision)
          topologyWinner = { revision: outcome.revision, stored: expected.stored };
        const validated = validateTopology(expected.stored);
        if (validated.ok) topology = validated;
      } else {
        const previous = winners.get(outcome.name);
        if (!previous || outcome.revision > previous.revision)
          winners.set(outcome.name, { revision: outcome.revision, stored: expected.stored });
      }
      return;
    }
    counts.refused++;
    const problem = badErrors(outcome.errors, expected.ok ? undefined : expected.parsed);
    if (problem) return fail(item, problem);
    if (expected.ok) {
      // A conditional write (metadata.revision) may meet another revision: that refusal is fine.
      const onRevision = outcome.errors.every((error) => error.path === 'metadata.revision');
      if (!(expected.conditional && onRevision))
        fail(
          item,
          `refused, but libs/schema accepts it: ${JSON.stringify(outcome.errors).slice(0, 400)}`,
        );
    }
  };

  /**
   * In rounds: a round's topologies one after another (each changes what the intents are
   * checked against), then its intents all at once, pipelined over NATS and HTTP, a few CLI
   * processes at a time. The CLI sends a document whose kind is Topology as a topology,
   * whatever the command.
   */
  const targetOf = (item: Case): Target => {
    if (item.transport !== 'cli' || item.target === 'topology') return item.target;
    const text = decodeText(item.body);
    const parsed = text.ok ? parseDocument(text.text) : undefined;
    const kind = parsed?.ok ? (parsed.value as { kind?: unknown } | null)?.kind : undefined;
    return kind === 'Topology' ? 'topology' : 'intent';
  };
  for (let start = 0; start < cases.length; start += ROUND) {
    const round = cases.slice(start, start + ROUND);
    for (const item of round.filter((c) => targetOf(c) === 'topology'))
      await run(item, 'topology', topology.value);
    const against = topology.value;
    const intents = round.filter((c) => targetOf(c) === 'intent');
    await Promise.all([
      inPool(
        intents.filter((c) => c.transport !== 'cli'),
        48,
        (item) => run(item, 'intent', against),
      ),
      inPool(
        intents.filter((c) => c.transport === 'cli'),
        3,
        (item) => run(item, 'intent', against),
      ),
    ]);
  }
  const sent = Date.now();

  // Nothing died, and every request got the answer it should.
  expect({ seed: SEED, dead: s.deadServices(), failures: failures.slice(0, 25) }).toEqual({
    seed: SEED,
    dead: [],
    failures: [],
  });
  expect({
    'intent-svc': s.services.get('intent-svc')!.errorLines,
    'path-svc': s.services.get('path-svc')!.errorLines,
  }).toEqual({ 'intent-svc': [], 'path-svc': [] });

  // The stored state is the state before plus the accepted documents (last write wins per name).
  const after = await s.storedState();
  const expectedIntents = { ...before.intents };
  for (const [name, { revision, stored }] of winners)
    expectedIntents[name] = { revision, intent: stored };
  expect(after.intents).toEqual(expectedIntents);
  expect(after.topology).toEqual(
    topologyWinner
      ? { revision: topologyWinner.revision, topology: topologyWinner.stored }
      : before.topology,
  );
  // Refused documents wrote nothing: each stream grew by the accepted writes, no more.
  const sequencesAfter = await s.streamSequences();
  const grown = Object.fromEntries(
    Object.entries(sequencesAfter).map(([name, sequence]) => [
      name,
      sequence - sequencesBefore[name]!,
    ]),
  );
  expect(grown).toEqual({
    'KV_srv6-intents': counts.accepted.intent,
    'KV_srv6-topology': counts.accepted.topology,
    SRV6_EVENTS: counts.accepted.intent + counts.accepted.topology,
  });
  const rssAfter = s.rssBytes('intent-svc');

  // path-svc computed every stored intent for each of its hosts in the final topology, and the
  // agent reported each of its own: path-svc and the agent kept up.
  const finalTopology = after.topology!.topology as Topology;
  const topologyHosts = new Set((finalTopology.spec.hosts ?? []).map((host) => host.name));
  const keys = Object.entries(after.intents).flatMap(([name, { revision, intent }]) =>
    (intent as Intent).spec.hosts
      .filter((host) => topologyHosts.has(host))
      .map((host) => ({ key: `${host}.${name}`, revision })),
  );
  await eventually(
    'policies of every stored intent at its revision',
    async () => {
      for (const { key, revision } of keys)
        if ((await s.policy(key))?.intentRevision !== revision) return undefined;
      return true;
    },
    30_000,
  );
  await eventually(
    `${AGENT_HOST}'s status of each of its policies`,
    async () => {
      for (const { key } of keys.filter((k) => k.key.startsWith(`${AGENT_HOST}.`))) {
        const [policy, status] = [await s.policy(key), await s.status(key)];
        if (!policy || !status) return undefined;
        const current =
          (policy.status === 'unsatisfiable' && status.state === 'unsatisfiable') ||
          (status.state === 'programmed' &&
            JSON.stringify(status.segments) === JSON.stringify(policy.segments)) ||
          (status.state === 'error' && !!status.reason);
        if (!current) return undefined;
      }
      return true;
    },
    30_000,
  );
  // And they still work: the example topology and a new intent, programmed on the agent's host.
  expect(await s.request(SUBJECTS.topologyApply, baseTopology)).toMatchObject({ ok: true });
  const fresh = structuredClone(exampleIntents[0]) as {
    metadata: { name: string };
    spec: { hosts: string[] };
  };
  fresh.metadata.name = 'after-the-fuzz';
  fresh.spec.hosts = [AGENT_HOST];
  expect(await s.request(SUBJECTS.intentsApply, fresh)).toMatchObject({ ok: true });
  await eventually('a new intent programmed after the fuzz', async () =>
    (await s.status(`${AGENT_HOST}.after-the-fuzz`))?.state === 'programmed' ? true : undefined,
  );
  expect((await s.http('GET', '/v1/intents')).status).toBe(200);
  expect(s.deadServices()).toEqual([]);

  const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;
  const by = (transport: Transport): number =>
    cases.filter((c) => c.transport === transport).length;
  process.stdout.write(
    `[bad-input fuzz] seed ${SEED}: ${RUNS} documents (${by('nats')} NATS, ${by('http')} HTTP, ` +
      `${by('cli')} CLI) sent in ${((sent - started) / 1000).toFixed(1)} s: ` +
      `${counts.accepted.intent} intents and ${counts.accepted.topology} topologies accepted, ` +
      `${counts.refused} refused; intent-svc RSS ${mb(rssBefore)} → ${mb(rssAfter)}\n`,
  );
  expect(rssAfter - rssBefore).toBeLessThan(RSS_GROWTH_LIMIT);
});

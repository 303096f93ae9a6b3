/**
 * The agent's reconcile loop against a real nats-server, with the datapath behind its small
 * interface (DatapathProgrammer over in-memory maps): desired state from KV, statuses back,
 * no rewrite of unchanged entries, full re-read after a restart.
 */
import { NatsConnection } from '@nats-io/transport-node';
import {
  BusStorage,
  connectBus,
  decodeJson,
  encodeJson,
  openStorage,
  policyKey,
  PolicyRecord,
  startNatsServer,
  NatsServerProcess,
  StatusRecord,
} from '@srv6/bus';
import {
  ApplyReport,
  DatapathPolicy,
  DatapathProgrammer,
  MemoryMap,
  STRUCT_LAYOUT,
} from '@srv6/datapath';
import { AgentConfig } from '../src/config.js';
import { DatapathPort } from '../src/repositories/datapath.repository.js';
import { PolicyWatcher } from '../src/repositories/policy.watcher.js';
import { StatusRepository } from '../src/repositories/status.repository.js';
import { ReconcilerService } from '../src/services/reconciler.service.js';

class MemoryDatapath implements DatapathPort {
  readonly uplinkMtu = 1500;
  readonly prefixes: MemoryMap;
  readonly policies: MemoryMap;
  private readonly programmer: DatapathProgrammer;

  /** With `previous`: a restarted agent over the same (kernel) maps and remembered slots. */
  constructor(previous?: MemoryDatapath) {
    this.prefixes = previous?.prefixes ?? new MemoryMap('srv6_prefixes');
    this.policies =
      previous?.policies ??
      new MemoryMap('srv6_policies', 1, new Uint8Array(STRUCT_LAYOUT.srv6_policy.size));
    this.programmer = new DatapathProgrammer(
      {
        prefixes: this.prefixes,
        policies: this.policies,
        counters: new MemoryMap('srv6_counters', 2, new Uint8Array(16)),
        stats: new MemoryMap('srv6_stats', 2, new Uint8Array(56)),
        capacity: 4,
      },
      previous?.programmer.slotsById,
    );
  }
  apply(policies: readonly DatapathPolicy[]) {
    return this.programmer.apply(policies);
  }
  counters() {
    return this.programmer.counters();
  }
  close(): void {}
}

const config: AgentConfig = {
  host: 'host-a',
  interfaceName: 'eth0',
  natsUrl: '',
  capacity: 4,
  reportIntervalMs: 60000,
  instance: 'host-a',
  stateDirectory: '/nonexistent',
};

function record(
  intent: string,
  segments: string[],
  extra: Partial<PolicyRecord> = {},
): PolicyRecord {
  return {
    intent,
    host: 'host-a',
    intentRevision: 1,
    topologyRevision: 1,
    status: 'ok',
    destination: '2001:db8:b::/64',
    protocol: 'tcp',
    ports: [{ first: intent.length, last: intent.length }],
    path: ['r1', 'r3', 'r4'],
    segments,
    encapsulation: 'srh',
    source: '2001:db8:a::10',
    ...extra,
  };
}

async function statusOf(storage: BusStorage, key: string, state: string): Promise<StatusRecord> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const entry = await storage.status.get(key);
    if (entry && entry.operation === 'PUT') {
      const status = decodeJson<StatusRecord>(entry.value);
      if (status.state === state) return status;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no status ${state} for ${key} within 5 s`);
}

describe('host-agent reconciler', () => {
  let server: NatsServerProcess;
  let nc: NatsConnection;
  let storage: BusStorage;

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connectBus({ servers: server.url, name: 'reconciler-test' });
    storage = await openStorage(nc);
  });

  afterAll(async () => {
    await nc?.close();
    await server?.destroy();
  });

  async function startAgent(
    datapath: MemoryDatapath,
    settings: AgentConfig = config,
  ): Promise<ReconcilerService> {
    const agent = new ReconcilerService(
      settings,
      datapath,
      new PolicyWatcher(storage.policies, 'host-a'),
      new StatusRepository(nc, storage.status),
    );
    await agent.onApplicationBootstrap();
    return agent;
  }

  it('programs its own policies, reports programmed / unsatisfiable / error, ignores other hosts', async () => {
    await storage.policies.put(
      policyKey('host-a', 'web'),
      encodeJson(record('web', ['fc00:0:3::1', 'fc00:0:4::d6'])),
    );
    await storage.policies.put(
      policyKey('host-a', 'nopath'),
      encodeJson(
        record('nopath', [], { status: 'unsatisfiable', reason: 'no path avoids tag untrusted' }),
      ),
    );
    const tooLong = Array.from({ length: 12 }, (_, i) => `fc00:0:${i + 1}::1`);
    await storage.policies.put(policyKey('host-a', 'long'), encodeJson(record('long', tooLong)));
    await storage.policies.put(
      policyKey('host-b', 'web'),
      encodeJson({ ...record('web', ['fc00::1']), host: 'host-b' }),
    );
    const datapath = new MemoryDatapath();
    const agent = await startAgent(datapath);
    try {
      const web = await statusOf(storage, 'host-a.web', 'programmed');
      expect(web.segments).toEqual(['fc00:0:3::1', 'fc00:0:4::d6']);
      expect((await statusOf(storage, 'host-a.nopath', 'unsatisfiable')).reason).toBe(
        'no path avoids tag untrusted',
      );
      expect((await statusOf(storage, 'host-a.long', 'error')).reason).toMatch(
        /minimum MTU of 1280/,
      );
      expect(await storage.status.get('host-b.web')).toBeNull();
      expect(datapath.prefixes.entries()).toHaveLength(1);
    } finally {
      await agent.onApplicationShutdown();
    }
  });

  it('a change to one intent moves only its policy to a new slot; a restarted agent rewrites nothing', async () => {
    const datapath = new MemoryDatapath();
    let agent = await startAgent(datapath);
    try {
      await statusOf(storage, 'host-a.web', 'programmed');
      await storage.policies.put(
        policyKey('host-a', 'db'),
        encodeJson(record('db', ['fc00:0:2::1', 'fc00:0:4::d6'])),
      );
      await statusOf(storage, 'host-a.db', 'programmed');
      await agent.settled();
      datapath.policies.writes.length = 0;
      datapath.prefixes.writes.length = 0;
      await storage.policies.put(
        policyKey('host-a', 'db'),
        encodeJson(record('db', ['fc00:0:3::1', 'fc00:0:4::d6'], { intentRevision: 2 })),
      );
      await statusOf(storage, 'host-a.db', 'programmed');
      const deadline = Date.now() + 5000;
      while (datapath.policies.writes.length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      await agent.settled();
      // the changed policy goes to a fresh slot, its rule set is pointed there, the old slot is
      // cleared (never an in-place rewrite a packet could read half done); web is not touched
      const [written, cleared] = datapath.policies.writes;
      expect(datapath.policies.writes).toHaveLength(2);
      expect(written).not.toEqual(cleared);
      expect(datapath.prefixes.writes).toHaveLength(1);
      await agent.onApplicationShutdown();

      // a new agent on the same maps (the kernel's, after a restart) re-reads KV and changes nothing
      datapath.policies.writes.length = 0;
      datapath.prefixes.writes.length = 0;
      agent = await startAgent(new MemoryDatapath(datapath));
      const until = Date.now() + 5000;
      while (agent.reconciles === 0 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 20));
      await agent.settled();
      expect(agent.reconciles).toBeGreaterThan(0);
      expect(datapath.prefixes.writes).toEqual([]);
      expect(datapath.policies.writes).toEqual([]);
    } finally {
      await agent.onApplicationShutdown();
    }
  });

  it('a failed reconcile stays an error: the counter reports repeat the state, not programmed', async () => {
    // The maps are written, then the route MTU step fails (as without a route to the destination).
    class RoutelessDatapath extends MemoryDatapath {
      override apply(policies: readonly DatapathPolicy[]): ApplyReport {
        super.apply(policies);
        throw new Error('no route to 2001:db8:b::/64 on this host: add a default route first');
      }
    }
    const datapath = new RoutelessDatapath();
    const agent = await startAgent(datapath, { ...config, reportIntervalMs: 50 });
    try {
      await storage.policies.put(
        policyKey('host-a', 'noroute'),
        encodeJson(record('noroute', ['fc00:0:3::1', 'fc00:0:4::d6'])),
      );
      expect((await statusOf(storage, 'host-a.noroute', 'error')).reason).toMatch(/no route/);
      expect(datapath.counters().has('host-a.noroute')).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300)); // several counter reports
      const entry = await storage.status.get('host-a.noroute');
      expect(decodeJson<StatusRecord>(entry!.value)).toMatchObject({
        state: 'error',
        reason: expect.stringMatching(/no route/),
        counters: { packets: '0', bytes: '0' },
      });
    } finally {
      await agent.onApplicationShutdown();
      await storage.policies.delete(policyKey('host-a', 'noroute'));
    }
  });

  it('a deleted policy is removed from the datapath and its status disappears', async () => {
    const datapath = new MemoryDatapath();
    const agent = await startAgent(datapath);
    try {
      await statusOf(storage, 'host-a.db', 'programmed');
      await storage.policies.delete(policyKey('host-a', 'db'));
      const deadline = Date.now() + 5000;
      while (
        (await storage.status.get('host-a.db'))?.operation === 'PUT' &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect((await storage.status.get('host-a.db'))?.operation).not.toBe('PUT');
      await agent.settled();
      expect(datapath.prefixes.entries()).toHaveLength(1);
    } finally {
      await agent.onApplicationShutdown();
    }
  });
});

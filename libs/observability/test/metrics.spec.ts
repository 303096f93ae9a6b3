import { HostAgentMetrics } from '../src/host-agent-metrics.js';
import { startMetricsServer } from '../src/metrics-server.js';
import { PathSvcMetrics } from '../src/path-svc-metrics.js';

/** The value of one sample line of the text format (`name{labels} value`). */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && l.includes(labels) && !l.startsWith('#'));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics listener', () => {
  it('serves GET /metrics in the Prometheus text format, 404 elsewhere, on a free port', async () => {
    const metrics = new PathSvcMetrics('p1');
    metrics.computed('low-latency', 'ok', 0.003);
    metrics.computed('low-latency', 'unsatisfiable', 0.02);
    const server = await startMetricsServer(metrics.registry, { port: 0, host: '127.0.0.1' });
    try {
      expect(server.port).toBeGreaterThan(0);
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);
      const response = await fetch(server.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      const labels = 'objective="low-latency",result="ok",service="path-svc",instance="p1"';
      expect(sample(text, 'srv6_path_computations_total', labels)).toBe(1);
      expect(
        sample(text, 'srv6_path_computation_duration_seconds_count', 'objective="low-latency"'),
      ).toBe(2);
      expect(sample(text, 'srv6_errors_total', 'kind="event"')).toBe(0);
      expect(text).toMatch(/^process_cpu_seconds_total\{/m); // default process metrics
      expect((await fetch(server.url.replace('/metrics', '/'))).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('NATS status counting', () => {
  it('counts disconnects and reconnects, nothing else', async () => {
    const metrics = new PathSvcMetrics('p1');
    const events = ['disconnect', 'reconnecting', 'reconnecting', 'reconnect', 'pingTimer'];
    metrics.watchNats(
      {
        status: async function* () {
          for (const type of events) yield { type };
        },
      },
      'bus',
    );
    await new Promise((resolve) => setImmediate(resolve));
    const text = await metrics.registry.metrics();
    expect(sample(text, 'srv6_nats_disconnects_total', 'connection="bus"')).toBe(1);
    expect(sample(text, 'srv6_nats_reconnects_total', 'connection="bus"')).toBe(1);
  });
});

describe('HostAgentMetrics', () => {
  it('sets the map gauges and states from a reconcile, keeps them when programming failed', async () => {
    const metrics = new HostAgentMetrics({ instance: 'lab-host-a', host: 'host-a' });
    metrics.reconciled({
      seconds: 0.004,
      states: new Map([['programmed', 3]]),
      datapath: {
        policiesProgrammed: 3,
        prefixes: 2,
        policiesWritten: 3,
        prefixesWritten: 2,
        prefixesDeleted: 0,
      },
    });
    metrics.reconciled({ seconds: 0.001, states: new Map([['error', 3]]) });
    const text = await metrics.registry.metrics();
    expect(sample(text, 'srv6_agent_reconciles_total')).toBe(2);
    expect(sample(text, 'srv6_agent_reconcile_duration_seconds_count')).toBe(2);
    expect(sample(text, 'srv6_datapath_policies_programmed', 'host="host-a"')).toBe(3);
    expect(sample(text, 'srv6_datapath_prefixes')).toBe(2);
    expect(sample(text, 'srv6_datapath_policies_written_total')).toBe(3);
    expect(sample(text, 'srv6_agent_intents', 'state="programmed"')).toBe(0);
    expect(sample(text, 'srv6_agent_intents', 'state="error"')).toBe(3);
  });
});

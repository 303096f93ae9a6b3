/**
 * One iperf3 client run from host-a to the iperf3 server on host-b, parsed from its JSON; and
 * what the receiving socket measured about the segments (ss -ti on host-b).
 */
import { HOST_B, type NetnsLab, waitForOutput } from '@srv6/netlab';

export const IPERF_PORT = 5201;

export interface Iperf3Result {
  readonly gbps: number;
  readonly bytes: number;
  readonly retransmits: number;
  /** The data connection's MSS as iperf3 saw it (0 if it did not say). */
  readonly mss: number;
}

interface Iperf3Json {
  start?: { tcp_mss_default?: number; tcp_mss?: number };
  end?: {
    sum_sent?: { bytes: number; retransmits?: number };
    sum_received?: { bits_per_second: number; bytes: number };
  };
  error?: string;
}

/** Starts the server (it serves one test after another until the lab is destroyed). */
export async function startIperf3Server(lab: NetnsLab): Promise<void> {
  const server = lab.spawn('host-b', 'iperf3', ['-s', '-p', String(IPERF_PORT), '--forceflush']);
  await waitForOutput(server, /Server listening/, 10_000);
}

export function runIperf3(lab: NetnsLab, seconds: number): Promise<Iperf3Result> {
  const args = ['-6', '-c', HOST_B, '-p', String(IPERF_PORT), '-t', String(seconds), '-J'];
  const client = lab.spawn('host-a', 'iperf3', args);
  let stdout = '';
  client.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve, reject) => {
    client.once('error', reject);
    client.once('exit', (code, signal) => {
      let parsed: Iperf3Json;
      try {
        parsed = JSON.parse(stdout) as Iperf3Json;
      } catch {
        return reject(
          new Error(`iperf3 exited (${code ?? signal}) without JSON: ${stdout.slice(0, 300)}`),
        );
      }
      const received = parsed.end?.sum_received;
      if (code !== 0 || parsed.error || !received) {
        return reject(
          new Error(`iperf3 failed (${code ?? signal}): ${parsed.error ?? 'no result'}`),
        );
      }
      resolve({
        gbps: received.bits_per_second / 1e9,
        bytes: received.bytes,
        retransmits: parsed.end?.sum_sent?.retransmits ?? 0,
        mss: parsed.start?.tcp_mss_default ?? parsed.start?.tcp_mss ?? 0,
      });
    });
  });
}

/** TCP_INFO of host-b's busiest iperf3 connection (ss -tin), read while a test runs. */
export interface ReceiverSegments {
  /** rcvmss: the largest segment payload host-b has received (GRO-merged ones split). */
  readonly rcvmss: number;
  /** bytes_received / segs_in: the mean payload per received segment. */
  readonly meanPayload: number;
}

export function receiverSegments(lab: NetnsLab): ReceiverSegments | undefined {
  const output = lab.exec('host-b', 'ss', [
    '-tinH',
    'state',
    'established',
    `( sport = :${IPERF_PORT} )`,
  ]);
  const field = (text: string, name: string): number =>
    Number(new RegExp(`\\b${name}:(\\d+)`).exec(text)?.[1] ?? 0);
  const busiest = output
    .split(/\n(?=\S)/)
    .map((block) => ({
      rcvmss: field(block, 'rcvmss'),
      bytes: field(block, 'bytes_received'),
      segments: field(block, 'segs_in'),
    }))
    .sort((a, b) => b.bytes - a.bytes)[0];
  if (!busiest || busiest.segments === 0) return undefined;
  return { rcvmss: busiest.rcvmss, meanPayload: busiest.bytes / busiest.segments };
}

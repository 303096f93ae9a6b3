/** One iperf3 client run from host-a to the iperf3 server on host-b, parsed from its JSON. */
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

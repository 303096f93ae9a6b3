/** One iperf3 TCP transfer between two lab nodes; returns the receiver's Gbit/s. */
import { NetnsLab, waitForOutput } from '@srv6/netlab';

export async function iperfGbps(
  lab: NetnsLab,
  from: string,
  to: string,
  address: string,
  port: number,
  seconds = 2,
): Promise<number> {
  const server = lab.spawn(to, 'iperf3', ['-s', '-1', '--forceflush', '-p', String(port)]);
  try {
    await waitForOutput(server, /Server listening/);
    const report = JSON.parse(
      lab.exec(from, 'iperf3', [
        '-6',
        '-c',
        address,
        '-p',
        String(port),
        '-t',
        String(seconds),
        '-J',
      ]),
    ) as { end: { sum_received: { bits_per_second: number } } };
    return report.end.sum_received.bits_per_second / 1e9;
  } finally {
    server.kill('SIGKILL');
  }
}

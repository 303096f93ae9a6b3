/** `srv6 path compute`: offline, no services — the SPEC's JSON for an intent on a topology. */
import { computePaths } from '@srv6/path';
import { validateIntent, validateTopology } from '@srv6/schema';
import { readDocument, refuse } from '../documents.js';
import { CliError, OutputFormat, render, table } from '../output.js';

export function pathCompute(
  topologyFile: string,
  intentFile: string,
  host: string | undefined,
  format: OutputFormat,
): string {
  const topology = validateTopology(readDocument(topologyFile));
  if (!topology.ok) refuse(`topology ${topologyFile}`, topology.errors);
  const intent = validateIntent(readDocument(intentFile), topology.value);
  if (!intent.ok) refuse(`intent ${intentFile}`, intent.errors);
  if (host !== undefined && !intent.value.spec.hosts.includes(host)) {
    throw new CliError(`--host ${host}: the intent names ${intent.value.spec.hosts.join(', ')}`);
  }
  const results = computePaths(topology.value, intent.value, host === undefined ? {} : { host });
  const value = results.length === 1 ? results[0] : results;
  return render(format, value, () =>
    table(
      [
        'host',
        'status',
        'path',
        'segments',
        'delayMs',
        'bottleneckMbps',
        'igpCost',
        'hops',
        'reason',
      ],
      results.map((r) => ({
        ...r,
        ...r.metrics,
        path: r.path.join(' → '),
        segments: r.segments.join(', '),
      })),
    ),
  );
}

/** Builds a lab and starts its control plane, recording everything it owns as it goes. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Topology } from '@srv6/schema';
import { startLabServices, type LabServicesOptions } from './lab-services.js';
import { saveLabState, type LabState } from './lab-state.js';
import { TopologyLab } from './topology-lab.js';

export interface StartedLab {
  readonly lab: TopologyLab;
  readonly state: LabState;
}

/**
 * `register` receives the state as soon as the namespaces exist, so that the caller can remove
 * the lab (destroyLab) even when starting the services fails.
 */
export async function startLab(
  topology: Topology,
  register: (state: LabState) => void,
  options: LabServicesOptions & { readonly tag?: string } = {},
): Promise<StartedLab> {
  const lab = await TopologyLab.build(topology, { tag: options.tag, progress: options.progress });
  const state: LabState = {
    prefix: lab.netns.prefix,
    topology: topology.metadata.name,
    createdAt: new Date().toISOString(),
    runDirectory: mkdtempSync(join(tmpdir(), `srv6-lab-${lab.netns.prefix}-`)),
    processes: [],
    pinDirectories: [],
  };
  saveLabState(state);
  register(state);
  await startLabServices(lab, state, options);
  return { lab, state };
}

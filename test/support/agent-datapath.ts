/** Removing what a host-agent left in the kernel: its tc hook and its pinned maps. */
import {
  destroyClsact,
  interfaceIndex,
  PIN_ROOT,
  removePinDirectory,
  withNetns,
} from '@srv6/datapath';

/** The pin directory of agent `instance` (its DATAPATH_INSTANCE). */
export const agentPinDirectory = (instance: string): string => `${PIN_ROOT}/${instance}`;

/** Detaches the program from `interfaceName` in `netns` (if both still exist) and unpins. */
export function removeAgentDatapath(netns: string, instance: string, interfaceName = 'eth0'): void {
  try {
    withNetns(netns, () => destroyClsact(interfaceIndex(interfaceName)));
  } catch {
    // the namespace or the interface never came up, or is gone
  }
  removePinDirectory(agentPinDirectory(instance));
}

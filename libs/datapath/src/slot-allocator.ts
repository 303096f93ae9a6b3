/**
 * Policy slots (indexes into srv6_policies and srv6_counters). A policy keeps its slot while it
 * exists, so its counters keep counting; new policies take the lowest free slot.
 */
export function assignSlots(
  previous: ReadonlyMap<string, number>,
  policyIds: readonly string[],
  capacity: number,
): Map<string, number> {
  const wanted = new Set(policyIds);
  if (wanted.size > capacity) {
    throw new Error(
      `${wanted.size} policies for this host, its datapath holds ${capacity} ` +
        `(raise the host-agent's capacity or remove intents)`,
    );
  }
  const slots = new Map<string, number>();
  const used = new Set<number>();
  for (const [id, slot] of previous) {
    if (wanted.has(id) && slot < capacity && !used.has(slot)) {
      slots.set(id, slot);
      used.add(slot);
    }
  }
  let next = 0;
  for (const id of policyIds) {
    if (slots.has(id)) continue;
    while (used.has(next)) next++;
    slots.set(id, next);
    used.add(next);
  }
  return slots;
}

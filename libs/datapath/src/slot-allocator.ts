/**
 * Policy slots (indexes into srv6_policies and srv6_counters). A policy keeps its slot while it
 * exists, so its counters keep counting; new policies take the lowest free slot not in `avoid`
 * (slots freed by the same change, which packets may still reach until it completes).
 */
export function assignSlots(
  previous: ReadonlyMap<string, number>,
  policyIds: readonly string[],
  capacity: number,
  avoid: ReadonlySet<number> = new Set(),
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
  // Two cursors (slots only become used, never free, during one call): linear overall.
  let preferred = 0;
  let fallback = 0;
  for (const id of policyIds) {
    if (slots.has(id)) continue;
    while (preferred < capacity && (used.has(preferred) || avoid.has(preferred))) preferred++;
    let slot = preferred;
    if (slot >= capacity) {
      while (used.has(fallback)) fallback++;
      slot = fallback;
    }
    slots.set(id, slot);
    used.add(slot);
  }
  return slots;
}

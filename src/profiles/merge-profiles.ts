/** What merging needs to know about one profile. */
export interface MergeCandidate {
  id: string;
  known: boolean;
  createdAt: Date;
  updatedAt: Date;
  traits: Record<string, unknown>;
}

/** The survivor of a merge: a known profile over anonymous ones, then the oldest (then lowest id). */
export function pickSurvivor<T extends MergeCandidate>(profiles: T[]): T {
  return [...profiles].sort((a, b) => Number(b.known) - Number(a.known) || a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))[0];
}

/**
 * Merged traits. Precedence: known profiles over anonymous ones; among equals the more recently
 * updated profile wins; a null or missing value never overwrites a value.
 */
export function mergeTraits(profiles: MergeCandidate[]): Record<string, unknown> {
  const ordered = [...profiles].sort((a, b) => Number(a.known) - Number(b.known) || a.updatedAt.getTime() - b.updatedAt.getTime());
  const merged: Record<string, unknown> = {};
  for (const p of ordered) for (const [k, v] of Object.entries(p.traits)) if (v !== null && v !== undefined) merged[k] = v;
  return merged;
}

/** Union-find over identifier keys: events that share an identifier belong to one person. */
export function groupIdentifiers(sets: string[][]): string[][] {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let root = k;
    while (parent.get(root) !== root) root = parent.get(root)!;
    let node = k;
    while (parent.get(node) !== root) { const next = parent.get(node)!; parent.set(node, root); node = next; }
    return root;
  };
  for (const set of sets) {
    for (const k of set) if (!parent.has(k)) parent.set(k, k);
    for (let i = 1; i < set.length; i++) {
      const a = find(set[0]), b = find(set[i]);
      if (a !== b) parent.set(b, a);
    }
  }
  const groups = new Map<string, string[]>();
  for (const k of parent.keys()) {
    const root = find(k);
    groups.set(root, [...(groups.get(root) ?? []), k]);
  }
  return [...groups.values()];
}

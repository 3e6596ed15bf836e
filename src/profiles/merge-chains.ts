/** A profile row as read for following merges: its id and the survivor it was merged into, if any. */
export interface MergeLink {
  id: string;
  merged_into_id: string | null;
}

/**
 * Runs `read` for `ids`, then again for the survivors of rows merged meanwhile (merges keep
 * chains one hop deep, so a few rounds suffice); returns live rows and loser → survivor.
 */
export async function followMerges<R extends MergeLink>(ids: string[], read: (ids: string[]) => Promise<R[]>): Promise<{ live: Map<string, R>; redirect: Map<string, string> }> {
  const live = new Map<string, R>();
  const redirect = new Map<string, string>();
  let next = [...new Set(ids)];
  for (let round = 0; next.length && round < 5; round++) {
    const rows = await read(next);
    next = [];
    for (const r of rows) {
      if (!r.merged_into_id) live.set(r.id, r);
      else {
        redirect.set(r.id, r.merged_into_id);
        if (!live.has(r.merged_into_id)) next.push(r.merged_into_id);
      }
    }
  }
  return { live, redirect };
}

/** The survivor a profile id stands for now. */
export function survivorOf(redirect: Map<string, string>, id: string): string {
  let at = id;
  for (let hops = 0; redirect.has(at) && hops < 10; hops++) at = redirect.get(at)!;
  return at;
}

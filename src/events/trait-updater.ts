import type { EntityManager } from "typeorm";
import { applyEvents, computedTraits, type TraitEvent, type TraitState } from "../profiles/compute-traits";

/** A locked profile row as the updater needs it. */
export interface LockedProfile {
  id: string;
  computed: Record<string, unknown>;
  tz: string | null;
}

/** Item id → leaf category, for affinities (one query per batch). */
export async function itemCategories(m: EntityManager, ws: string, itemIds: string[]): Promise<Map<string, string | null>> {
  if (!itemIds.length) return new Map();
  const rows: { id: string; category: string | null }[] = await m.query(`SELECT id, category FROM items WHERE workspace_id = $1 AND id = ANY($2::text[])`, [ws, [...new Set(itemIds)]]);
  return new Map(rows.map((r) => [r.id, r.category]));
}

/**
 * Folds newly stored events into each profile's computed traits and writes them back with one
 * set-based UPDATE (the profile rows are already locked by the caller's transaction).
 */
export async function updateComputed(
  m: EntityManager,
  ws: string,
  profiles: Map<string, LockedProfile>,
  events: (TraitEvent & { profileId: string })[],
  categories: Map<string, string | null>,
  now: number,
  fresh = false,
): Promise<void> {
  const byProfile = new Map<string, TraitEvent[]>();
  for (const e of events) {
    const list = byProfile.get(e.profileId);
    if (list) list.push(e);
    else byProfile.set(e.profileId, [e]);
  }
  const categoryOf = (id: string) => categories.get(id) ?? undefined;
  const rows = [...byProfile].map(([id, evs]) => {
    const p = profiles.get(id);
    const previous = fresh ? {} : (p?.computed ?? {});
    // The state was just parsed from the locked row: fold into it in place (no copy).
    const state = applyEvents(previous._state as TraitState | undefined, evs, categoryOf, p?.tz ?? undefined, now, true);
    return { id, c: computedTraits(state, previous, now), f: state.first === null ? null : new Date(state.first).toISOString(), l: state.last === null ? null : new Date(state.last).toISOString() };
  });
  if (!rows.length) return;
  await m.query(
    // updated_at is left alone: it is indexed, and leaving it lets PostgreSQL update in place (HOT).
    `UPDATE profiles p SET computed = x.c, first_seen_at = x.f, last_seen_at = x.l
     FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, c jsonb, f timestamptz, l timestamptz)
     WHERE p.workspace_id = $1 AND p.id = x.id`,
    [ws, JSON.stringify(rows)],
  );
}

/** Rebuilds computed traits of profiles from all their stored events (after merges, for repairs). */
export async function recomputeFromEvents(m: EntityManager, ws: string, profileIds: string[], now: number): Promise<void> {
  if (!profileIds.length) return;
  const rows: { profile_id: string; type: string; occurred_at: Date; properties: Record<string, unknown>; context: Record<string, unknown>; item_ids: string[]; revenue: string | null }[] = await m.query(
    `SELECT profile_id, type, occurred_at, properties, context, item_ids, revenue FROM events WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[]) ORDER BY occurred_at`,
    [ws, profileIds],
  );
  const locked: LockedProfile[] = await m.query(`SELECT id, computed, traits->>'timezone' AS tz FROM profiles WHERE workspace_id = $1 AND id = ANY($2::uuid[])`, [ws, profileIds]);
  const events = rows.map((r) => ({ profileId: r.profile_id, type: r.type, occurredAt: r.occurred_at, properties: r.properties, context: r.context, itemIds: r.item_ids, revenue: r.revenue === null ? null : Number(r.revenue) }));
  const categories = await itemCategories(m, ws, events.flatMap((e) => e.itemIds));
  await updateComputed(m, ws, new Map(locked.map((p) => [p.id, p])), events, categories, now, true);
}

/** Refreshes time-dependent traits (windows, recency, engagement decay) from the stored state. */
export async function refreshComputed(m: EntityManager, ws: string | null, now: number, batch = 2000): Promise<number> {
  let after = "00000000-0000-0000-0000-000000000000";
  let total = 0;
  for (;;) {
    const rows: { id: string; workspace_id: string; computed: Record<string, unknown> }[] = await m.query(
      `SELECT id, workspace_id, computed FROM profiles WHERE merged_into_id IS NULL AND computed ? '_state' AND ($1::uuid IS NULL OR workspace_id = $1) AND id > $2 ORDER BY id LIMIT $3`,
      [ws, after, batch],
    );
    if (!rows.length) return total;
    const out = rows.map((r) => ({ id: r.id, c: computedTraits(applyEvents(r.computed._state as TraitState, [], () => undefined, undefined, now), r.computed, now) }));
    await m.query(`UPDATE profiles p SET computed = x.c FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, c jsonb) WHERE p.id = x.id`, [JSON.stringify(out)]);
    total += rows.length;
    after = rows[rows.length - 1].id;
  }
}

import type { EntityManager } from "typeorm";
import { applyEvents, computedTraits, type TraitEvent, type TraitState } from "../profiles/compute-traits";
import { COMPUTED_TRAITS } from "../profiles/computed-traits";
import { decodeState, packStates } from "../profiles/trait-state-codec";

/**
 * A profile row as the updater needs it: its stored trait state (`trait_state`, null when never
 * folded) for folding arriving events, its `computed` for rebuilds (which keep the RFM scores).
 */
export interface LockedProfile {
  id: string;
  computed?: Record<string, unknown>;
  state?: Buffer | null;
  tz: string | null;
}

/** Item id → leaf category, for affinities (one query per batch). */
export async function itemCategories(m: EntityManager, ws: string, itemIds: string[]): Promise<Map<string, string | null>> {
  if (!itemIds.length) return new Map();
  const rows: { id: string; category: string | null }[] = await m.query(`SELECT id, category FROM items WHERE workspace_id = $1 AND id = ANY($2::text[])`, [ws, [...new Set(itemIds)]]);
  return new Map(rows.map((r) => [r.id, r.category]));
}

/** One profile's new computed traits and trait state, ready to write, and the names of the traits that changed. */
export interface ComputedRow {
  id: string;
  c: Record<string, unknown>;
  state: TraitState;
  f: string | null;
  l: string | null;
  names: string[];
  /** Rebuilt from scratch: the whole `computed` is replaced (otherwise only changed keys travel). */
  full: boolean;
}

/** Events grouped by their profile, in arrival order. */
export function byProfile<E extends { profileId: string }>(events: E[]): Map<string, E[]> {
  const groups = new Map<string, E[]>();
  for (const e of events) {
    const list = groups.get(e.profileId);
    if (list) list.push(e);
    else groups.set(e.profileId, [e]);
  }
  return groups;
}

/**
 * Folds events into one profile's computed traits (pure: no database). The profile's parsed
 * `computed` is folded in place — callers pass rows they just read and own.
 */
export function foldComputed(id: string, profile: LockedProfile | undefined, events: TraitEvent[], categories: Map<string, string | null>, now: number, fresh = false): ComputedRow {
  const previous = fresh ? {} : (profile?.computed ?? {});
  const stored = fresh ? undefined : decodeState(profile?.state);
  const state = applyEvents(stored, events, (item) => categories.get(item) ?? undefined, profile?.tz ?? undefined, now, true);
  // A first fold (or a rebuild) writes every trait; later ones the traits these events can change.
  const affected = stored ? affectedTraits(events) : undefined;
  const c = computedTraits(state, previous, now, affected?.set);
  const names = affected?.names ?? Object.keys(c);
  return { id, c, state, f: c.firstSeenAt as string | null, l: c.lastSeenAt as string | null, names, full: fresh };
}

/** Traits any event may change: first/last seen, and those that move with time (windows, decay, recency). */
const ALWAYS = ["firstSeenAt", "lastSeenAt", ...COMPUTED_TRAITS.filter((t) => t.updates === "on_event_and_scheduled").map((t) => t.name)];
const AFFINITY = ["categoryAffinity", "topCategories"];
const CART = ["openCart", "cartAbandonedSince"];
const EMAIL = ["emailOpenRate", "emailClickRate"];
/** The traits an event type can change besides `ALWAYS` (custom types: only those). */
const AFFECTED_BY: Record<string, string[]> = {
  product_view: [...AFFINITY, "recentlyViewed"],
  add_to_cart: [...AFFINITY, ...CART],
  remove_from_cart: CART,
  purchase: [...AFFINITY, ...CART, "lastPurchaseAt", "purchaseCount", "revenue", "averageOrderValue", "lastPurchaseCategory"],
  refund: ["revenue"],
  email_delivered: ["emailsDelivered", ...EMAIL],
  email_open: [...EMAIL, "preferredSendHour"],
  email_click: [...EMAIL, "preferredSendHour", ...AFFINITY],
};
const affectedCache = new Map<string, { names: string[]; set: ReadonlySet<string> }>();

/**
 * A superset of the computed traits folding `events` into a stored state can change (written,
 * and named to hooks), from their types alone — so folding needs only the stored state, not the
 * stored trait values to compare with.
 */
export function affectedTraits(events: TraitEvent[]): { names: string[]; set: ReadonlySet<string> } {
  const types = [...new Set(events.map((e) => (AFFECTED_BY[e.type] ? e.type : "")))].sort().join(",");
  let affected = affectedCache.get(types);
  if (!affected) {
    const names = [...new Set([...ALWAYS, ...types.split(",").flatMap((t) => AFFECTED_BY[t] ?? [])])];
    affected = { names, set: new Set(names) };
    affectedCache.set(types, affected);
  }
  return affected;
}

/**
 * Writes computed traits and trait states with one set-based UPDATE (the caller's transaction
 * holds the row locks). A folded row sends only the traits that changed, merged into the stored
 * value it was folded from (a third of the bytes); a rebuilt row replaces the whole value. States
 * travel side by side in one binary parameter (`packStates`); each row names its slice.
 */
export async function writeComputed(m: EntityManager, ws: string, rows: ComputedRow[]): Promise<void> {
  if (!rows.length) return;
  const delta = (r: ComputedRow) => {
    const d: Record<string, unknown> = {};
    for (const k of r.names) d[k] = r.c[k];
    return d;
  };
  const { bytes, slices } = packStates(rows.map((r) => r.state));
  await m.query(
    // updated_at is left alone: it is indexed, and leaving it lets PostgreSQL update in place (HOT).
    // The seen columns are read from the traits sent (every fold names firstSeenAt and lastSeenAt), not sent twice;
    // `r` is sent only for rebuilt rows (absent: merged into the stored value).
    `UPDATE profiles p SET computed = CASE WHEN x.r THEN x.c ELSE p.computed || x.c END, trait_state = substring($3::bytea FROM x.o FOR x.n),
       first_seen_at = (x.c->>'firstSeenAt')::timestamptz, last_seen_at = (x.c->>'lastSeenAt')::timestamptz
     FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, c jsonb, o int, n int, r boolean)
     WHERE p.workspace_id = $1 AND p.id = x.id`,
    [ws, JSON.stringify(rows.map((r, i) => (r.full ? { id: r.id, c: r.c, ...slices[i], r: true } : { id: r.id, c: delta(r), ...slices[i] }))), bytes],
  );
}

/** Folds events into their (locked) profiles' computed traits and writes them; returns changed trait names. */
export async function updateComputed(
  m: EntityManager,
  ws: string,
  profiles: Map<string, LockedProfile>,
  events: (TraitEvent & { profileId: string })[],
  categories: Map<string, string | null>,
  now: number,
  fresh = false,
): Promise<Map<string, string[]>> {
  const groups = byProfile(events);
  // A rebuild covers every profile given: one without events left gets the traits of no events.
  if (fresh) for (const id of profiles.keys()) if (!groups.has(id)) groups.set(id, []);
  const rows = [...groups].map(([id, evs]) => foldComputed(id, profiles.get(id), evs, categories, now, fresh));
  await writeComputed(m, ws, rows);
  return new Map(rows.map((r) => [r.id, r.names]));
}

/** Names of the exposed computed traits whose value differs (hooks skip what a change cannot affect). */
export function changedTraits(previous: Record<string, unknown>, next: Record<string, unknown>): string[] {
  return Object.keys(next).filter((k) => !sameJson(previous[k], next[k]));
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // A missing key and null differ: the written value must end up exactly as computed.
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
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
    const rows: { id: string; computed: Record<string, unknown>; state: Buffer }[] = await m.query(
      `SELECT id, computed, trait_state AS state FROM profiles WHERE merged_into_id IS NULL AND trait_state IS NOT NULL AND ($1::uuid IS NULL OR workspace_id = $1) AND id > $2 ORDER BY id LIMIT $3`,
      [ws, after, batch],
    );
    if (!rows.length) return total;
    const states = rows.map((r) => applyEvents(decodeState(r.state), [], () => undefined, undefined, now));
    const { bytes, slices } = packStates(states);
    const out = rows.map((r, i) => ({ id: r.id, c: computedTraits(states[i], r.computed, now), ...slices[i] }));
    await m.query(`UPDATE profiles p SET computed = x.c, trait_state = substring($2::bytea FROM x.o FOR x.n) FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, c jsonb, o int, n int) WHERE p.id = x.id`, [JSON.stringify(out), bytes]);
    total += rows.length;
    after = rows[rows.length - 1].id;
  }
}

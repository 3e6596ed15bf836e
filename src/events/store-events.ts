import type { EntityManager } from "typeorm";
import type { EventProblem } from "./rejected-event.entity";
import { dropOrphanIdentifiers } from "../profiles/identity.service";
import { applyToProfiles } from "./apply-to-profiles";
import { insertEvents, type EventRow } from "./event-writer";
import type { ValidEvent } from "./validate-event";
import { isoString } from "../common/iso-time";
import { uuidV7 } from "../common/uuid-v7";

/** The answer for one event, filled in as it is stored. */
export interface StoredResult {
  status: "ACCEPTED" | "DUPLICATE" | "REJECTED";
  eventId: string | null;
  profileId: string | null;
  warnings: EventProblem[];
}

/** A valid event on its way into storage (possibly one of several requests' batches). */
export interface Entry {
  event: ValidEvent;
  /** The profile identity resolution gave. */
  resolved: string;
  /** Behavioural events are not kept when the person denied analytics consent. */
  behavioral: boolean;
  result: StoredResult;
}

/** Events kept out of storage: the person denied analytics consent (behavioural events only). */
const ANALYTICS_DENIED: EventProblem = { path: "type", code: "not_stored_analytics_denied", message: "not stored: this person denied analytics consent" };
/** Events kept out of storage: the person was erased between identity resolution and this write; nothing of them may stay. */
const PROFILE_ERASED: EventProblem = { path: "type", code: "not_stored_profile_erased", message: "not stored: this person's profile was erased meanwhile" };

/** Batches this large (imports) travel by COPY into a staging table instead of one JSON parameter. */
const COPY_THRESHOLD = 1500;

/**
 * Stores entries idempotently (ON CONFLICT on message id) and folds the new ones into their
 * profiles' computed traits, inside the caller's transaction; sets each entry's result (safe to
 * run again after a rolled-back attempt). Returns the changed computed-trait names per profile.
 */
export async function storeEntries(m: EntityManager, ws: string, entries: Entry[], categories: Map<string, string | null>, now: number): Promise<Map<string, string[]>> {
  const first = new Map<string, Entry>();
  const unique: Entry[] = [];
  const repeats: [Entry, Entry][] = [];
  for (const e of entries) {
    Object.assign(e.result, { status: "ACCEPTED", eventId: null, profileId: null, warnings: unknownItems(e.event, categories) });
    const earlier = first.get(e.event.messageId);
    // The same message id in two requests of one group (a retry racing its original): stored once.
    if (earlier) repeats.push([e, earlier]);
    else {
      first.set(e.event.messageId, e);
      unique.push(e);
    }
  }
  const rows: EventRow[] = unique.map(({ event: v, resolved }) => ({ id: uuidV7(), m: v.messageId, t: v.type, o: isoString(v.occurredAt.getTime()), p: resolved, pr: v.properties, c: v.context, i: v.itemIds, r: v.revenue, cur: v.currency }));
  const inserted = await insertEvents(m, ws, rows, rows.length >= COPY_THRESHOLD);
  const ids = new Map(inserted.map((r) => [r.message_id, r.id]));
  const dupIds = unique.filter((e) => !ids.has(e.event.messageId)).map((e) => e.event.messageId);
  const existing: { id: string; message_id: string; profile_id: string }[] = dupIds.length
    ? await m.query(`SELECT e.id, e.message_id, e.profile_id FROM events e WHERE e.workspace_id = $1 AND e.message_id = ANY($2::text[])`, [ws, dupIds])
    : [];
  const dups = new Map(existing.map((r) => [r.message_id, r]));
  const arriving: { entry: Entry; id: string; profileId: string; event: ValidEvent; behavioral: boolean }[] = [];
  for (const e of unique) {
    const id = ids.get(e.event.messageId);
    if (id) arriving.push({ entry: e, id, profileId: e.resolved, event: e.event, behavioral: e.behavioral });
    else {
      const dup = dups.get(e.event.messageId);
      Object.assign(e.result, { status: "DUPLICATE", eventId: dup?.id ?? null, profileId: dup?.profile_id ?? e.resolved, warnings: [] });
    }
  }
  // Profiles are read, folded and locked only now (after the events are in), so concurrent
  // transactions wait for each other as briefly as possible.
  const { denied, vanished, traitNames } = await applyToProfiles(m, ws, arriving, categories, now);
  const gone = new Map<(typeof arriving)[number], EventProblem>([...denied.map((a) => [a, ANALYTICS_DENIED] as const), ...vanished.map((a) => [a, PROFILE_ERASED] as const)]);
  const moved = arriving.filter((a) => a.profileId !== a.entry.resolved && !gone.has(a));
  if (moved.length)
    await m.query(`UPDATE events e SET profile_id = x.p FROM unnest($2::uuid[], $3::uuid[]) AS x(id, p) WHERE e.workspace_id = $1 AND e.id = x.id`, [ws, moved.map((a) => a.id), moved.map((a) => a.profileId)]);
  if (gone.size) await m.query(`DELETE FROM events WHERE workspace_id = $1 AND id = ANY($2::uuid[])`, [ws, [...gone.keys()].map((a) => a.id)]);
  if (vanished.length) await dropOrphanIdentifiers(m, ws, [...new Set(vanished.map((a) => a.profileId))]);
  for (const a of arriving) {
    const warning = gone.get(a);
    if (warning) {
      a.entry.result.profileId = warning === PROFILE_ERASED ? null : a.profileId;
      a.entry.result.warnings.push({ ...warning });
    } else Object.assign(a.entry.result, { eventId: a.id, profileId: a.profileId });
  }
  for (const [e, earlier] of repeats) Object.assign(e.result, { status: "DUPLICATE", eventId: earlier.result.eventId, profileId: earlier.result.profileId, warnings: [] });
  return traitNames;
}

function unknownItems(event: ValidEvent, categories: Map<string, string | null>): EventProblem[] {
  const out: EventProblem[] = [];
  event.itemIds.forEach((id, i) => {
    if (!categories.has(id)) out.push({ path: event.type === "purchase" || event.type === "refund" ? `properties.lineItems[${i}].itemId` : "properties.itemId", code: "unknown_item", message: `item "${id.slice(0, 60)}" is not in the catalog` });
  });
  return out;
}

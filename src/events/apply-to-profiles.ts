import type { EntityManager } from "typeorm";
import type { TraitEvent } from "../profiles/compute-traits";
import { lockProfiles, readProfiles, survivorOf } from "./profile-locks";
import { byProfile, foldComputed, writeComputed, type ComputedRow } from "./trait-updater";

/** A stored event on its way into its profile's computed traits. */
export interface ArrivingEvent {
  profileId: string;
  event: TraitEvent;
  /** Behavioural events are dropped when the person denied analytics consent. */
  behavioral: boolean;
}

/** What applying a batch did: events dropped for denied consent, and changed trait names per profile. */
export interface Applied<A extends ArrivingEvent = ArrivingEvent> {
  denied: A[];
  traitNames: Map<string, string[]>;
}

/**
 * Folds a batch's stored events into their profiles' computed traits, optimistically: rows are
 * read and folded without locks (concurrent batches do this side by side), then locked in id
 * order; only profiles another transaction changed meanwhile (their version moved), whose events
 * moved to a merge survivor, or whose consent drops events are read again and refolded under the
 * lock. The locks are thus held for one short read and the UPDATE. Each event's `profileId` ends
 * at the live profile it now belongs to.
 */
export async function applyToProfiles<A extends ArrivingEvent>(m: EntityManager, ws: string, arriving: A[], categories: Map<string, string | null>, now: number): Promise<Applied<A>> {
  const snapshot = await readProfiles(m, ws, arriving.map((a) => a.profileId));
  for (const a of arriving) a.profileId = survivorOf(snapshot.redirect, a.profileId);
  const folded = new Map<string, ComputedRow>();
  for (const [id, list] of byProfile(arriving)) {
    const row = snapshot.live.get(id);
    if (row) folded.set(id, foldComputed(id, row, list.map((a) => a.event), categories, now));
  }

  const locks = await lockProfiles(m, ws, [...new Set(arriving.map((a) => a.profileId))]);
  const stale = new Set<string>();
  for (const a of arriving) {
    const to = survivorOf(locks.redirect, a.profileId);
    if (to !== a.profileId) stale.add(to); // a merge committed after the read: refold the survivor
    a.profileId = to;
  }
  const denied = arriving.filter((a) => a.behavioral && locks.live.get(a.profileId)?.analytics === false);
  const droppedSet = new Set(denied);
  const kept = arriving.filter((a) => !droppedSet.has(a) && locks.live.has(a.profileId));
  for (const a of denied) stale.add(a.profileId);
  const groups = byProfile(kept);
  for (const [id, lock] of locks.live) if (groups.has(id) && snapshot.live.get(id)?.version !== lock.version) stale.add(id);
  const redo = [...stale].filter((id) => groups.has(id));
  if (redo.length) {
    const fresh = await readProfiles(m, ws, redo);
    for (const id of redo) folded.set(id, foldComputed(id, fresh.live.get(id), groups.get(id)!.map((a) => a.event), categories, now));
  }
  const rows = [...groups.keys()].map((id) => folded.get(id)!);
  await writeComputed(m, ws, rows);
  return { denied, traitNames: new Map(rows.map((r) => [r.id, r.names])) };
}

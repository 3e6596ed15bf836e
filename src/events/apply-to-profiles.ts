import type { EntityManager } from "typeorm";
import type { TraitEvent } from "../profiles/compute-traits";
import { survivorOf } from "../profiles/merge-chains";
import { lockProfiles } from "./profile-locks";
import { byProfile, foldComputed, writeComputed, type ComputedRow } from "./trait-updater";

/** A stored event on its way into its profile's computed traits. */
export interface ArrivingEvent {
  profileId: string;
  event: TraitEvent;
  /** Behavioural events are dropped when the person denied analytics consent. */
  behavioral: boolean;
}

/** What applying a batch did: events dropped for denied consent or a profile erased meanwhile, and changed trait names per profile. */
export interface Applied<A extends ArrivingEvent = ArrivingEvent> {
  denied: A[];
  /** Events whose profile was deleted (erased) after identity resolution named it. */
  vanished: A[];
  traitNames: Map<string, string[]>;
}

/**
 * Folds a batch's stored events into their profiles' computed traits: the profiles are locked in
 * id order and their stored trait state read in one statement (following merges committed
 * meanwhile: each event's `profileId` ends at the live profile it now belongs to), folded, and
 * written with one UPDATE. Each write shard runs one transaction at a time, so these locks only
 * meet merges, identify() and other instances.
 */
export async function applyToProfiles<A extends ArrivingEvent>(m: EntityManager, ws: string, arriving: A[], categories: Map<string, string | null>, now: number): Promise<Applied<A>> {
  const locks = await lockProfiles(m, ws, arriving.map((a) => a.profileId));
  for (const a of arriving) a.profileId = survivorOf(locks.redirect, a.profileId);
  const vanished = arriving.filter((a) => !locks.live.has(a.profileId));
  const denied = arriving.filter((a) => a.behavioral && locks.live.get(a.profileId)?.analytics === false);
  const droppedSet = new Set(denied);
  const kept = arriving.filter((a) => !droppedSet.has(a) && locks.live.has(a.profileId));
  const rows: ComputedRow[] = [...byProfile(kept)].map(([id, list]) => foldComputed(id, locks.live.get(id), list.map((a) => a.event), categories, now));
  await writeComputed(m, ws, rows);
  return { denied, vanished, traitNames: new Map(rows.map((r) => [r.id, r.names])) };
}

import type { TraitState } from "./compute-traits";
import { bucketsFromKeyed, type Buckets } from "./event-buckets";

type KeyedBuckets = Record<string, Record<string, number>>;

/**
 * The state as stored in `computed._state`: a JSON string of a positional array (no field names,
 * event counts as flat `[bucket, type code, count]` triples, views flattened) — a fraction of the
 * bytes of the plain object, and quick to parse, fold and rewrite per profile.
 * Version 3; version 2 (buckets as objects keyed by index) and the plain object are still read.
 */
export function encodeState(s: TraitState): string {
  const viewed: (string | number)[] = [];
  for (const [id, ms] of s.viewed) viewed.push(id, ms);
  const hours = s.hours.some((h) => h !== 0) ? s.hours : 0;
  return JSON.stringify([3, s.at, s.eng, s.cat, s.cart, viewed, hours, s.delivered, s.opens, s.clicks, s.purchases, s.purchaseRevenue, s.refunds, s.first, s.last, s.lastPurchase, s.lastPurchaseCategory, s.hrs, s.days]);
}

/** Reads a stored state: this compact form (version 3 or 2), the earlier object as a JSON string, or as an object. */
export function decodeState(stored: unknown): TraitState | undefined {
  const value = typeof stored === "string" ? (JSON.parse(stored) as unknown) : stored;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    const old = value as Omit<TraitState, "hrs" | "days"> & { hrs: KeyedBuckets; days: KeyedBuckets };
    return { ...old, hrs: bucketsFromKeyed(old.hrs), days: bucketsFromKeyed(old.days) };
  }
  const [version, at, eng, cat, cart, flat, hours, delivered, opens, clicks, purchases, purchaseRevenue, refunds, first, last, lastPurchase, lastPurchaseCategory, hrs, days] = value as [number, number, number, Record<string, number>, Record<string, number>, (string | number)[], number[] | 0, number, number, number, number, number, number, number | null, number | null, number | null, string | null, Buckets | KeyedBuckets, Buckets | KeyedBuckets];
  const viewed: [string, number][] = [];
  for (let i = 0; i < flat.length; i += 2) viewed.push([flat[i] as string, flat[i + 1] as number]);
  const buckets = (b: Buckets | KeyedBuckets): Buckets => (version >= 3 ? (b as Buckets) : bucketsFromKeyed(b as KeyedBuckets));
  return { at, eng, cat, cart, viewed, hours: hours === 0 ? new Array<number>(24).fill(0) : hours, delivered, opens, clicks, purchases, purchaseRevenue, refunds, first, last, lastPurchase, lastPurchaseCategory, hrs: buckets(hrs), days: buckets(days) };
}

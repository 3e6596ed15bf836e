import type { TraitState } from "./compute-traits";
import { bucketsFromKeyed, type Buckets } from "./event-buckets";

type KeyedBuckets = Record<string, Record<string, number>>;
type Weights = Record<string, number>;

/** A stored object of weights or times as the Map the state keeps. */
const asMap = (o: Weights): Map<string, number> => new Map(Object.entries(o));

/**
 * The state in the JSON form written before version 4 (version 3: a JSON string of a positional
 * array, views flattened, hours 0 when all are zero); the ProfilesTraitState migration's `down`
 * writes it back into `computed._state`.
 */
export function encodeJsonState(s: TraitState): string {
  const hours = s.hours.some((h) => h !== 0) ? s.hours : 0;
  return JSON.stringify([3, s.at, s.eng, Object.fromEntries(s.cat), Object.fromEntries(s.cart), s.viewed.flat(), hours, s.delivered, s.opens, s.clicks, s.purchases, s.purchaseRevenue, s.refunds, s.first, s.last, s.lastPurchase, s.lastPurchaseCategory, s.hrs, s.days]);
}

/**
 * The state as stored before version 4 (`trait-state-codec`), in `computed._state`: a JSON string
 * of a positional array (version 3), with buckets as objects keyed by index (version 2), or the
 * plain object. Read by the migration that moves states to `profiles.trait_state`.
 */
export function decodeJsonState(stored: unknown): TraitState | undefined {
  const value = typeof stored === "string" ? (JSON.parse(stored) as unknown) : stored;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    const old = value as Omit<TraitState, "hrs" | "days" | "cat" | "cart"> & { hrs: KeyedBuckets; days: KeyedBuckets; cat?: Weights; cart?: Weights };
    // A field missing from an early state stays missing: folding fills it from an empty state.
    return { ...old, ...(old.cat && { cat: asMap(old.cat) }), ...(old.cart && { cart: asMap(old.cart) }), hrs: bucketsFromKeyed(old.hrs), days: bucketsFromKeyed(old.days) } as TraitState;
  }
  const [version, at, eng, cat, cart, flat, hours, delivered, opens, clicks, purchases, purchaseRevenue, refunds, first, last, lastPurchase, lastPurchaseCategory, hrs, days] = value as [number, number, number, Weights, Weights, (string | number)[], number[] | 0, number, number, number, number, number, number, number | null, number | null, number | null, string | null, Buckets | KeyedBuckets, Buckets | KeyedBuckets];
  const viewed: [string, number][] = [];
  for (let i = 0; i < flat.length; i += 2) viewed.push([flat[i] as string, flat[i + 1] as number]);
  const buckets = (b: Buckets | KeyedBuckets): Buckets => (version >= 3 ? (b as Buckets) : bucketsFromKeyed(b as KeyedBuckets));
  return { at, eng, cat: asMap(cat), cart: asMap(cart), viewed, hours: hours === 0 ? new Array<number>(24).fill(0) : hours, delivered, opens, clicks, purchases, purchaseRevenue, refunds, first, last, lastPurchase, lastPurchaseCategory, hrs: buckets(hrs), days: buckets(days) };
}

/**
 * Event counts per time bucket (hour or day), kept in a profile's trait state as one flat array of
 * triples `[bucket index, type key, count, …]`. A flat array of small numbers parses, folds and
 * serializes several times faster than objects keyed by bucket index (V8 keeps large integer keys
 * in slow dictionary elements), and it is what makes folding one event into a long-lived profile
 * cheap.
 *
 * Type keys: a built-in event type is its numeric code (append-only list below), a custom type is
 * its name (custom names start with a letter), purchases and revenue per day are `BUY` and `REV`.
 */
export type Buckets = (number | string)[];

/** Built-in event types by code. Append only: stored states keep these codes. */
const TYPE_CODES = ["page_view", "product_view", "search", "add_to_cart", "remove_from_cart", "checkout_started", "purchase", "refund", "email_delivered", "email_open", "email_click", "unsubscribe"];
const CODE_OF = new Map(TYPE_CODES.map((t, i) => [t, i]));
/** Purchases per bucket (exposed as `$buy`). */
export const BUY = -1;
/** Purchase and refund revenue per bucket (exposed as `$rev`). */
export const REV = -2;

/** Slots of the per-window sums: built-in codes, then `BUY` and `REV`. */
const SLOTS = TYPE_CODES.length + 2;
const slotOf = (key: number): number => (key >= 0 ? key : TYPE_CODES.length - 1 - key);
const SLOT_NAMES = [...TYPE_CODES, "$buy", "$rev"];

/** The bucket key of an event type. */
export const bucketKey = (type: string): number | string => CODE_OF.get(type) ?? type;

/** The name a bucket key is exposed under: the event type, or `$buy` / `$rev`. */
export function bucketName(key: number | string): string {
  return typeof key === "string" ? key : (SLOT_NAMES[slotOf(key)] ?? String(key));
}

/** Adds `amount` to one (bucket, key) count; recent buckets sit at the end, so the scan starts there. */
export function addToBucket(buckets: Buckets, index: number, key: number | string, amount: number): void {
  for (let i = buckets.length - 3; i >= 0; i -= 3) {
    if (buckets[i] === index && buckets[i + 1] === key) {
      buckets[i + 2] = (buckets[i + 2] as number) + amount;
      return;
    }
  }
  buckets.push(index, key, amount);
}

/** Drops buckets with index ≤ `oldest` (in place); returns the same array. */
export function pruneBuckets(buckets: Buckets, oldest: number): Buckets {
  let kept = 0;
  for (let i = 0; i < buckets.length; i += 3) {
    if ((buckets[i] as number) <= oldest) continue;
    if (kept !== i) {
      buckets[kept] = buckets[i];
      buckets[kept + 1] = buckets[i + 1];
      buckets[kept + 2] = buckets[i + 2];
    }
    kept += 3;
  }
  buckets.length = kept;
  return buckets;
}

/**
 * Sums per exposed name over trailing windows, in one pass: `windows[w]` sums the buckets with
 * index in (now − widths[w], now]. `BUY` and `REV` are kept only where `money[w]` is set.
 * Built-in types are summed in a typed array and written out in code order (objects built in
 * one key order stay fast); custom types follow in first-seen order, then `$buy` and `$rev`.
 */
export function windowSums(buckets: Buckets, now: number, widths: number[], money: boolean[]): Record<string, number>[] {
  const sums = new Float64Array(widths.length * SLOTS);
  const seen = new Uint8Array(widths.length * SLOTS);
  let custom: Map<string, number>[] | undefined;
  for (let i = 0; i < buckets.length; i += 3) {
    const age = now - (buckets[i] as number);
    if (age < 0) continue;
    const key = buckets[i + 1];
    const slot = typeof key === "number" && key < TYPE_CODES.length ? slotOf(key) : -1;
    const isMoney = slot >= TYPE_CODES.length;
    const count = buckets[i + 2] as number;
    for (let w = 0; w < widths.length; w++) {
      if (age >= widths[w] || (isMoney && !money[w])) continue;
      if (slot >= 0) {
        sums[w * SLOTS + slot] += count;
        seen[w * SLOTS + slot] = 1;
      } else {
        const names = (custom ??= widths.map(() => new Map<string, number>()))[w];
        const name = bucketName(key);
        names.set(name, (names.get(name) ?? 0) + count);
      }
    }
  }
  return widths.map((_, w) => {
    const out: Record<string, number> = {};
    for (let slot = 0; slot < TYPE_CODES.length; slot++) if (seen[w * SLOTS + slot]) out[SLOT_NAMES[slot]] = sums[w * SLOTS + slot];
    if (custom) for (const [name, n] of custom[w]) out[name] = n;
    for (let slot = TYPE_CODES.length; slot < SLOTS; slot++) if (seen[w * SLOTS + slot]) out[SLOT_NAMES[slot]] = sums[w * SLOTS + slot];
    return out;
  });
}

/**
 * Buckets from the earlier stored form: an object of bucket index → key → count, where a key is
 * a code as a string ("3"), a type name, `$buy` or `$rev`.
 */
export function bucketsFromKeyed(keyed: Record<string, Record<string, number>> | undefined): Buckets {
  const out: Buckets = [];
  for (const index in keyed) {
    const counts = keyed[index];
    for (const key in counts) out.push(Number(index), keyOfStored(key), counts[key]);
  }
  return out;
}

function keyOfStored(key: string): number | string {
  if (key === "$buy") return BUY;
  if (key === "$rev") return REV;
  const first = key.charCodeAt(0);
  return first >= 48 && first <= 57 ? Number(key) : bucketKey(key);
}

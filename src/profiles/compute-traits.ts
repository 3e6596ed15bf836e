import { AFFINITY_HALF_LIFE_DAYS, ENGAGEMENT_HALF_LIFE_DAYS, RECENTLY_VIEWED, TOP_CATEGORIES } from "./computed-traits";
import { BUY, REV, addToBucket, bucketKey, pruneBuckets, windowSums, type Buckets } from "./event-buckets";
import { isoString } from "../common/iso-time";

/** An event as the computed-trait reducer sees it. */
export interface TraitEvent {
  type: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
  itemIds: string[];
  revenue: number | null;
}

/** Incremental state kept in `profiles.trait_state` (`trait-state-codec`; not exposed through the API). */
export interface TraitState {
  at: number; // reference time (ms) of the decayed sums
  eng: number;
  /** Category → decayed affinity weight (a Map: per-profile key orders would each need their own object shape). */
  cat: Map<string, number>;
  /** Item id → when it was last added to the open cart (ms), in the order added. */
  cart: Map<string, number>;
  viewed: [string, number][];
  hours: number[];
  delivered: number;
  opens: number;
  clicks: number;
  purchases: number;
  purchaseRevenue: number;
  refunds: number;
  first: number | null;
  last: number | null;
  lastPurchase: number | null;
  lastPurchaseCategory: string | null;
  /** Counts per hour index (ms / 1h) and event type key, last `HOURS_KEPT` hours (`event-buckets`). */
  hrs: Buckets;
  /** Counts per UTC day index and event type key, plus purchases and revenue, last 90 days. */
  days: Buckets;
}

const DAY = 86_400_000;
/**
 * Hourly buckets kept: the 24-hour window (`eventCounts1d`) never reads older ones again, plus one
 * hour for a later fold whose clock reads slightly earlier (group transactions take their
 * requests' latest time). It was 48: half the hourly buckets were dead weight in every write.
 */
const HOURS_KEPT = 25;
const HOUR = 3_600_000;
export const ENGAGEMENT_WEIGHTS: Record<string, number> = { page_view: 0.5, product_view: 1, search: 1, add_to_cart: 2, checkout_started: 3, purchase: 5, email_open: 1, email_click: 3 };
export const AFFINITY_WEIGHTS: Record<string, number> = { product_view: 1, add_to_cart: 3, purchase: 5, email_click: 1 };
const round = (v: number, digits = 4) => Math.round(v * 10 ** digits) / 10 ** digits;
const decay = (ms: number, halfLifeDays: number) => Math.pow(2, -ms / (halfLifeDays * DAY));

export function emptyState(): TraitState {
  return { at: 0, eng: 0, cat: new Map(), cart: new Map(), viewed: [], hours: new Array(24).fill(0), delivered: 0, opens: 0, clicks: 0, purchases: 0, purchaseRevenue: 0, refunds: 0, first: null, last: null, lastPurchase: null, lastPurchaseCategory: null, hrs: [], days: [] };
}

const hourFormats = new Map<string, Intl.DateTimeFormat>();
/** Hour of day of `at` in `timeZone` (UTC when unknown). */
export function localHour(at: Date, timeZone: string | undefined): number {
  const zone = timeZone ?? "UTC";
  let format = hourFormats.get(zone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat("en-GB", { hour: "numeric", hourCycle: "h23", timeZone: zone });
    } catch {
      return at.getUTCHours();
    }
    hourFormats.set(zone, format);
  }
  return Number(format.format(at)) % 24;
}

/** Moves decayed sums to a later reference time. */
function rebase(state: TraitState, to: number): void {
  if (to <= state.at) return;
  const gap = to - state.at;
  state.eng *= decay(gap, ENGAGEMENT_HALF_LIFE_DAYS);
  const f = decay(gap, AFFINITY_HALF_LIFE_DAYS);
  for (const [k, v] of state.cat) state.cat.set(k, v * f);
  state.at = to;
}

/**
 * Folds events (any order) into the incremental state. `categoryOf` gives an item's catalog
 * category; `timeZone` is the profile's own zone for the send-hour histogram; `inPlace` folds into
 * `previous` itself (for callers that own it, e.g. a row just read from the database).
 */
export function applyEvents(previous: TraitState | undefined, events: TraitEvent[], categoryOf: (itemId: string) => string | undefined, timeZone: string | undefined, now: number, inPlace = false): TraitState {
  // A complete state folded in place is used as is (no copy per profile and batch).
  const s: TraitState = inPlace && previous && isComplete(previous) ? previous : { ...emptyState(), ...(previous ? (inPlace ? previous : structuredClone(previous)) : {}) };
  const nowHour = Math.floor(now / HOUR), nowDay = Math.floor(now / DAY);
  const sorted = events.length > 1 ? [...events].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime()) : events;
  for (const e of sorted) {
    const ms = e.occurredAt.getTime();
    rebase(s, ms);
    const age = s.at - ms;
    s.first = s.first === null ? ms : Math.min(s.first, ms);
    s.last = s.last === null ? ms : Math.max(s.last, ms);
    bump(s, e, ms, nowHour, nowDay);
    s.eng += (ENGAGEMENT_WEIGHTS[e.type] ?? 0) * decay(age, ENGAGEMENT_HALF_LIFE_DAYS);
    const weight = AFFINITY_WEIGHTS[e.type];
    if (weight) {
      const cats = e.itemIds.map(categoryOf).filter((c): c is string => Boolean(c));
      if (e.type === "product_view" && typeof e.properties.category === "string" && !cats.length) cats.push(e.properties.category);
      for (const c of cats) s.cat.set(c, (s.cat.get(c) ?? 0) + weight * decay(age, AFFINITY_HALF_LIFE_DAYS));
    }
    switch (e.type) {
      case "product_view":
        for (const id of e.itemIds) s.viewed.push([id, ms]);
        break;
      case "add_to_cart":
        for (const id of e.itemIds) s.cart.set(id, Math.max(s.cart.get(id) ?? 0, ms));
        break;
      case "remove_from_cart":
        for (const id of e.itemIds) if ((s.cart.get(id) ?? 0) <= ms) s.cart.delete(id);
        break;
      case "purchase":
        s.purchases++;
        s.purchaseRevenue += e.revenue ?? 0;
        for (const id of e.itemIds) if ((s.cart.get(id) ?? 0) <= ms) s.cart.delete(id);
        if (s.lastPurchase === null || ms >= s.lastPurchase) {
          s.lastPurchase = ms;
          s.lastPurchaseCategory = e.itemIds.map(categoryOf).find(Boolean) ?? null;
        }
        break;
      case "refund":
        s.refunds += e.revenue ?? 0;
        break;
      case "email_delivered":
        s.delivered++;
        break;
      case "email_open":
      case "email_click": {
        if (e.type === "email_open") s.opens++;
        else s.clicks++;
        const zone = typeof e.context.timezone === "string" ? e.context.timezone : timeZone;
        s.hours[localHour(e.occurredAt, zone)]++;
        break;
      }
    }
  }
  // Keep state bounded: newest views, strongest categories, windows still open.
  prune(s, nowHour, nowDay);
  s.viewed = dedupeNewest(s.viewed).slice(0, RECENTLY_VIEWED);
  trimCategories(s.cat, MAX_CATEGORIES);
  return s;
}

/** Categories kept in the state (the strongest); the exposed top N come from these. */
const MAX_CATEGORIES = 20;

/** Category weights, strongest first (ties by name, so every path to a state ranks alike). */
function strongest(cat: Map<string, number>): [string, number][] {
  return [...cat].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * Drops all but the `max` strongest categories, in place. The object is left alone otherwise:
 * rebuilding it per fold in a new key order cost more than the rest of the fold.
 */
function trimCategories(cat: Map<string, number>, max: number): void {
  if (cat.size <= max) return;
  for (const [name] of strongest(cat).slice(max)) cat.delete(name);
}

const STATE_KEYS = Object.keys(emptyState()) as (keyof TraitState)[];
function isComplete(s: TraitState): boolean {
  for (const k of STATE_KEYS) if (s[k] === undefined) return false;
  return true;
}

function bump(s: TraitState, e: TraitEvent, ms: number, nowHour: number, nowDay: number): void {
  const hour = Math.floor(ms / HOUR), day = Math.floor(ms / DAY);
  const key = bucketKey(e.type);
  if (hour > nowHour - HOURS_KEPT && hour <= nowHour) addToBucket(s.hrs, hour, key, 1);
  if (day > nowDay - 90 && day <= nowDay) {
    addToBucket(s.days, day, key, 1);
    if (e.type === "purchase") addToBucket(s.days, day, BUY, 1);
    if (e.revenue !== null && (e.type === "purchase" || e.type === "refund")) addToBucket(s.days, day, REV, e.revenue);
  }
}

function prune(s: TraitState, nowHour: number, nowDay: number): void {
  pruneBuckets(s.hrs, nowHour - HOURS_KEPT);
  pruneBuckets(s.days, nowDay - 90);
}

function dedupeNewest(viewed: [string, number][]): [string, number][] {
  const seen = new Set<string>();
  return [...viewed].sort((a, b) => b[1] - a[1]).filter(([id]) => (seen.has(id) ? false : (seen.add(id), true)));
}

/** Engagement score 0–100 from the decayed weighted activity, as of `now`. */
export function engagementScore(state: TraitState, now: number): number {
  const raw = state.eng * decay(Math.max(0, now - state.at), ENGAGEMENT_HALF_LIFE_DAYS);
  return Math.round(100 * (1 - Math.exp(-raw / 10)));
}

/**
 * The exposed computed traits from the state and the windowed figures. With `only`, the costlier
 * groups (categories, cart, recently viewed, send hour, last purchase) are left out unless one of
 * their traits is named — folding writes just the traits its events can change.
 */
export function computedTraits(state: TraitState, previous: Record<string, unknown>, now: number, only?: ReadonlySet<string>): Record<string, unknown> {
  const want = (a: string, b?: string) => !only || only.has(a) || (b !== undefined && only.has(b));
  const iso = (ms: number | null) => (ms === null ? null : isoString(ms));
  const nowHour = Math.floor(now / HOUR), nowDay = Math.floor(now / DAY);
  const [d7, d30, d90] = windowSums(state.days, nowDay, [7, 30, 90], [false, false, true]);
  const [h24] = windowSums(state.hrs, nowHour, [24], [false]);
  const traits: Record<string, unknown> = {
    ...pickRfm(previous),
    firstSeenAt: iso(state.first),
    lastSeenAt: iso(state.last),
    recencyDays: state.lastPurchase === null ? null : Math.max(0, Math.floor((now - state.lastPurchase) / DAY)),
    purchaseCount: state.purchases,
    purchaseCount90d: d90.$buy ?? 0,
    revenue: round(state.purchaseRevenue + state.refunds, 2),
    revenue90d: round(d90.$rev ?? 0, 2),
    averageOrderValue: state.purchases ? round(state.purchaseRevenue / state.purchases, 2) : null,
    engagementScore: engagementScore(state, now),
    lastPurchaseCategory: state.lastPurchaseCategory,
    emailsDelivered: state.delivered,
    emailOpenRate: state.delivered ? round(Math.min(1, state.opens / state.delivered)) : null,
    emailClickRate: state.delivered ? round(Math.min(1, state.clicks / state.delivered)) : null,
    eventCounts1d: h24,
    eventCounts7d: d7,
    eventCounts30d: d30,
  };
  if (want("lastPurchaseAt")) traits.lastPurchaseAt = iso(state.lastPurchase);
  if (want("categoryAffinity", "topCategories")) {
    let total = 0;
    for (const v of state.cat.values()) total += v;
    const top = strongest(state.cat).slice(0, TOP_CATEGORIES);
    traits.categoryAffinity = Object.fromEntries(top.map(([c, v]) => [c, total ? round(v / total) : 0]));
    traits.topCategories = top.map(([c]) => c);
  }
  if (want("openCart", "cartAbandonedSince")) {
    traits.openCart = [...state.cart.keys()];
    traits.cartAbandonedSince = state.cart.size ? iso(Math.max(...state.cart.values())) : null;
  }
  if (want("recentlyViewed")) traits.recentlyViewed = state.viewed.map(([id]) => id);
  if (want("preferredSendHour")) {
    const activity = state.hours.reduce((a, b) => a + b, 0);
    traits.preferredSendHour = activity ? state.hours.indexOf(Math.max(...state.hours)) : null;
  }
  return traits;
}

function pickRfm(previous: Record<string, unknown>): Record<string, unknown> {
  const keep: Record<string, unknown> = {};
  for (const k of ["rfmRecency", "rfmFrequency", "rfmMonetary", "rfmSegment"]) if (previous[k] !== undefined) keep[k] = previous[k];
  return keep;
}

import { DAY_MS, FEATURES, NO_HISTORY_DAYS, OVERDUE_CAP, PURCHASE_FEATURE_NAMES } from "./feature-set";

/**
 * Per-profile aggregates as of a cutoff T, all from events before T: what the feature SQL returns
 * and what `featureVector` turns into model inputs. Ages are days before T.
 */
export interface ProfileAggregates {
  orders: number;
  minAge: number | null;
  maxAge: number | null;
  /** Days between the last two purchases (null with fewer than two). */
  lastGap: number | null;
  orders14: number;
  orders30: number;
  orders60: number;
  orders90: number;
  ordersPrev90: number;
  revenue: number;
  revenue90: number;
  refunds: number;
  refunded: number;
  /** Σ distinct items per purchase. */
  lines: number;
  units: number;
  /** Σ ln(1 + units) per purchase. */
  unitsLog: number;
  windows3: number;
  windows6: number;
  windows12: number;
  streak: number;
  purchaseDays: number;
  decay30: number;
  gapCount: number;
  gapStd: number;
  hazardLonger: number;
  hazardEnded: number;
  lastRevenue: number;
  lastLines: number;
  distinctItems: number;
  views30: number;
  carts30: number;
  opens30: number;
  clicks30: number;
  lastEventAge: number | null;
  topCategoryCount: number;
  categoryTotal: number;
}

/** Aggregates with nothing in them (a profile without events). */
export function emptyAggregates(): ProfileAggregates {
  return {
    orders: 0, minAge: null, maxAge: null, lastGap: null, orders14: 0, orders30: 0, orders60: 0, orders90: 0, ordersPrev90: 0,
    revenue: 0, revenue90: 0, refunds: 0, refunded: 0, lines: 0, units: 0, unitsLog: 0, windows3: 0, windows6: 0, windows12: 0,
    streak: 0, purchaseDays: 0, decay30: 0, gapCount: 0, gapStd: 0, hazardLonger: 0, hazardEnded: 0, lastRevenue: 0, lastLines: 0,
    distinctItems: 0, views30: 0, carts30: 0, opens30: 0, clicks30: 0, lastEventAge: null, topCategoryCount: 0, categoryTotal: 0,
  };
}

/** The feature vector (FEATURES order) from aggregates: the formulas live here only. */
export function featureVector(a: ProfileAggregates): number[] {
  const n = a.orders;
  const tenure = a.maxAge ?? 0;
  const recency = a.minAge ?? NO_HISTORY_DAYS;
  const meanGap = n > 1 ? (tenure - recency) / (n - 1) : tenure;
  const rate = (30 * n) / Math.max(30, tenure);
  const gapMean = a.gapCount ? (tenure - recency) / a.gapCount : 0;
  const vector = [
    recency,
    tenure,
    n,
    a.orders30,
    a.orders90,
    a.ordersPrev90,
    Math.log((a.orders90 + 1) / (a.ordersPrev90 + 1)),
    Math.log1p(Math.max(0, a.revenue - a.refunded)),
    Math.log1p(Math.max(0, a.revenue90)),
    n ? Math.log1p(Math.max(0, a.revenue / n)) : 0,
    n ? a.lines / n : 0,
    n ? a.unitsLog / n : 0,
    meanGap,
    n > 1 && a.lastGap !== null ? a.lastGap : tenure,
    Math.min(OVERDUE_CAP, recency / Math.max(1, meanGap)),
    a.windows12,
    a.refunds,
    a.revenue > 0 ? Math.min(1, Math.max(0, a.refunded / a.revenue)) : 0,
    Math.log1p(a.distinctItems),
    a.orders14,
    a.orders60,
    rate,
    1 - Math.exp(-rate),
    a.gapCount >= 2 && gapMean > 0 ? a.gapStd / gapMean : 0,
    meanGap - recency,
    Math.log1p(a.units > 0 ? Math.max(0, a.revenue) / a.units : 0),
    a.windows3,
    a.windows6,
    a.streak,
    a.purchaseDays,
    a.decay30,
    Math.log1p(Math.max(0, a.lastRevenue)),
    a.lastLines,
    (a.hazardEnded + 0.5) / (a.hazardLonger + 1),
    a.views30,
    a.carts30,
    a.opens30,
    a.clicks30,
    a.lastEventAge ?? NO_HISTORY_DAYS,
    a.categoryTotal > 0 ? a.topCategoryCount / a.categoryTotal : 0,
  ];
  if (vector.length !== FEATURES.length) throw new Error(`feature vector has ${vector.length} values for ${FEATURES.length} features`);
  return vector;
}

/** One purchase or refund of an order history. */
export interface OrderRecord {
  at: number;
  /** Positive for purchases, negative for refunds. */
  revenue: number;
  refund: boolean;
  items: string[];
  units: number;
}

/**
 * Aggregates of an order history as of `cutoff` (ms) — the in-memory twin of the feature SQL's
 * purchase block (a test checks both agree); offline evaluation uses it on plain invoice files.
 */
export function aggregateHistory(history: OrderRecord[], cutoff: number): ProfileAggregates {
  const a = emptyAggregates();
  const before = history.filter((o) => o.at < cutoff);
  const orders = before.filter((o) => !o.refund).sort((x, y) => x.at - y.at);
  const age = (o: OrderRecord) => (cutoff - o.at) / DAY_MS;
  const windows = new Set<number>();
  const items = new Set<string>();
  const days = new Set<number>();
  for (const o of orders) {
    const d = age(o);
    a.orders++;
    a.minAge = a.minAge === null ? d : Math.min(a.minAge, d);
    a.maxAge = a.maxAge === null ? d : Math.max(a.maxAge, d);
    if (d <= 14) a.orders14++;
    if (d <= 30) a.orders30++;
    if (d <= 60) a.orders60++;
    if (d <= 90) {
      a.orders90++;
      a.revenue90 += o.revenue;
    } else if (d <= 180) a.ordersPrev90++;
    if (d <= 360) windows.add(Math.floor(d / 30));
    a.revenue += o.revenue;
    a.lines += new Set(o.items).size;
    a.units += o.units;
    a.unitsLog += Math.log1p(Math.max(0, o.units));
    a.decay30 += Math.exp(-d / 30);
    days.add(Math.floor(o.at / DAY_MS));
    for (const item of o.items) items.add(item);
  }
  for (const r of before.filter((o) => o.refund)) {
    a.refunds++;
    a.refunded -= r.revenue;
  }
  const gaps = orders.slice(1).map((o, i) => (o.at - orders[i].at) / DAY_MS);
  a.gapCount = gaps.length;
  if (gaps.length) {
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    a.gapStd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
    a.lastGap = gaps[gaps.length - 1];
  }
  const recency = a.minAge ?? NO_HISTORY_DAYS;
  for (const g of gaps) if (g > recency) {
    a.hazardLonger++;
    if (g <= recency + 30) a.hazardEnded++;
  }
  a.windows3 = [0, 1, 2].filter((w) => windows.has(w)).length;
  a.windows6 = [0, 1, 2, 3, 4, 5].filter((w) => windows.has(w)).length;
  a.windows12 = windows.size;
  while (windows.has(a.streak)) a.streak++;
  a.purchaseDays = days.size;
  a.distinctItems = items.size;
  if (orders.length) {
    const last = orders[orders.length - 1];
    a.lastRevenue = last.revenue;
    a.lastLines = new Set(last.items).size;
  }
  return a;
}

const PURCHASE_COUNT = PURCHASE_FEATURE_NAMES.length;

/** The purchase block of the feature vector for an order history (offline evaluation). */
export function purchaseFeatures(history: OrderRecord[], cutoff: number): number[] {
  return featureVector(aggregateHistory(history, cutoff)).slice(0, PURCHASE_COUNT);
}

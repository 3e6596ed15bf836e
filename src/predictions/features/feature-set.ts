/** One model input: its name, the block it belongs to, and what it means (as documented in README). */
export interface FeatureSpec {
  name: string;
  /** purchase: from purchase/refund events only (also computable from a plain order history); engagement: site and email events. */
  block: "purchase" | "engagement";
  description: string;
}

const f = (name: string, block: FeatureSpec["block"], description: string): FeatureSpec => ({ name, block, description });

/**
 * The documented per-profile feature set, in vector order. Every value is computed as of a cutoff T
 * from events with occurred_at < T only; "Nd" windows are [T − N days, T).
 */
export const FEATURES: readonly FeatureSpec[] = [
  f("recency_days", "purchase", "days since the latest purchase (365 without purchases)"),
  f("tenure_days", "purchase", "days since the first purchase"),
  f("orders_total", "purchase", "purchases before T"),
  f("orders_30d", "purchase", "purchases in the last 30 days"),
  f("orders_90d", "purchase", "purchases in the last 90 days"),
  f("orders_prev_90d", "purchase", "purchases 180 to 90 days before T"),
  f("order_trend", "purchase", "ln((orders_90d + 1) / (orders_prev_90d + 1))"),
  f("revenue_log", "purchase", "ln(1 + purchase revenue minus refunds), lifetime"),
  f("revenue_90d_log", "purchase", "ln(1 + purchase revenue) in the last 90 days"),
  f("avg_order_value_log", "purchase", "ln(1 + purchase revenue / purchases)"),
  f("avg_lines_per_order", "purchase", "distinct items per purchase, mean"),
  f("avg_units_log", "purchase", "ln(1 + units per purchase), mean"),
  f("mean_gap_days", "purchase", "mean days between consecutive purchases (tenure_days with one purchase)"),
  f("last_gap_days", "purchase", "days between the last two purchases (tenure_days with one purchase)"),
  f("overdue_ratio", "purchase", "recency_days / max(1, mean_gap_days), capped at 20"),
  f("active_windows_12", "purchase", "how many of the last twelve 30-day windows before T hold a purchase"),
  f("refunds_total", "purchase", "refunds before T"),
  f("refund_share", "purchase", "refunded amount / purchase revenue, 0–1"),
  f("distinct_items_log", "purchase", "ln(1 + distinct items ever purchased)"),
  f("orders_14d", "purchase", "purchases in the last 14 days"),
  f("orders_60d", "purchase", "purchases in the last 60 days"),
  f("purchase_rate_30d", "purchase", "purchases per 30 days of tenure (tenure floored at 30 days)"),
  f("poisson_buy_30d", "purchase", "1 − exp(−purchase_rate_30d): chance of a purchase in 30 days at the historical rate"),
  f("gap_cv", "purchase", "standard deviation / mean of the gaps between purchases (0 with fewer than 3 purchases)"),
  f("days_to_expected", "purchase", "mean_gap_days − recency_days: negative when the next purchase is overdue"),
  f("avg_unit_price_log", "purchase", "ln(1 + purchase revenue / units)"),
  f("active_windows_3", "purchase", "how many of the last three 30-day windows before T hold a purchase"),
  f("active_windows_6", "purchase", "how many of the last six 30-day windows before T hold a purchase"),
  f("streak_windows", "purchase", "consecutive 30-day windows, counting back from T, that each hold a purchase"),
  f("purchase_days", "purchase", "distinct days (UTC) with a purchase"),
  f("orders_decay_30", "purchase", "Σ exp(−age_days / 30) over purchases"),
  f("last_order_value_log", "purchase", "ln(1 + revenue of the latest purchase)"),
  f("last_order_lines", "purchase", "distinct items in the latest purchase"),
  f("gap_hazard_30", "purchase", "(gaps in (r, r + 30] + 0.5) / (gaps > r + 1), r = recency_days: the person's own chance the current gap ends within 30 days"),
  f("views_30d", "engagement", "product and page views in the last 30 days"),
  f("carts_30d", "engagement", "add-to-cart events in the last 30 days"),
  f("email_opens_30d", "engagement", "email opens in the last 30 days"),
  f("email_clicks_30d", "engagement", "email clicks in the last 30 days"),
  f("days_since_last_event", "engagement", "days since the latest event of any type (365 without events)"),
  f("category_concentration", "engagement", "share of the top category among viewed, carted and bought items in the last 90 days"),
];

export const FEATURE_NAMES: readonly string[] = FEATURES.map((s) => s.name);
export const PURCHASE_FEATURE_NAMES: readonly string[] = FEATURES.filter((s) => s.block === "purchase").map((s) => s.name);

export const DAY_MS = 86_400_000;
/** recency_days / days_since_last_event for a profile without purchases / events. */
export const NO_HISTORY_DAYS = 365;
export const OVERDUE_CAP = 20;

/** One purchase or refund as the purchase block sees it. */
export interface OrderRecord {
  at: number;
  /** Positive for purchases, negative for refunds. */
  revenue: number;
  refund: boolean;
  items: string[];
  units: number;
}

/**
 * The purchase block from an order history, as of `cutoff` (ms): the reference implementation the
 * SQL definition mirrors (a test checks both agree), and what offline evaluation uses.
 */
export function purchaseFeatures(history: OrderRecord[], cutoff: number): number[] {
  const before = history.filter((o) => o.at < cutoff);
  const orders = before.filter((o) => !o.refund).sort((a, b) => a.at - b.at);
  const refunds = before.filter((o) => o.refund);
  const days = (ms: number) => ms / DAY_MS;
  const n = orders.length;
  const within = (from: number, to: number) => orders.filter((o) => o.at >= cutoff - to * DAY_MS && o.at < cutoff - from * DAY_MS);
  const revenue = orders.reduce((s, o) => s + o.revenue, 0);
  const refunded = refunds.reduce((s, o) => s - o.revenue, 0);
  const tenure = n ? days(cutoff - orders[0].at) : 0;
  const recency = n ? days(cutoff - orders[n - 1].at) : NO_HISTORY_DAYS;
  const meanGap = n > 1 ? days(orders[n - 1].at - orders[0].at) / (n - 1) : tenure;
  const lastGap = n > 1 ? days(orders[n - 1].at - orders[n - 2].at) : tenure;
  const o90 = within(0, 90);
  const prev90 = within(90, 180).length;
  const windows = new Set(within(0, 360).map((o) => Math.floor((cutoff - o.at) / (30 * DAY_MS))));
  let streak = 0;
  while (windows.has(streak)) streak++;
  const items = new Set(orders.flatMap((o) => o.items));
  const rate = (30 * n) / Math.max(30, tenure);
  const units = orders.reduce((s, o) => s + o.units, 0);
  return [
    recency,
    tenure,
    n,
    within(0, 30).length,
    o90.length,
    prev90,
    Math.log((o90.length + 1) / (prev90 + 1)),
    Math.log1p(Math.max(0, revenue - refunded)),
    Math.log1p(Math.max(0, o90.reduce((s, o) => s + o.revenue, 0))),
    n ? Math.log1p(Math.max(0, revenue / n)) : 0,
    n ? orders.reduce((s, o) => s + new Set(o.items).size, 0) / n : 0,
    n ? orders.reduce((s, o) => s + Math.log1p(Math.max(0, o.units)), 0) / n : 0,
    meanGap,
    lastGap,
    Math.min(OVERDUE_CAP, recency / Math.max(1, meanGap)),
    windows.size,
    refunds.length,
    revenue > 0 ? Math.min(1, Math.max(0, refunded / revenue)) : 0,
    Math.log1p(items.size),
    within(0, 14).length,
    within(0, 60).length,
    rate,
    1 - Math.exp(-rate),
    gapCv(orders.map((o) => o.at)),
    meanGap - recency,
    Math.log1p(units > 0 ? Math.max(0, revenue) / units : 0),
    [0, 1, 2].filter((w) => windows.has(w)).length,
    [0, 1, 2, 3, 4, 5].filter((w) => windows.has(w)).length,
    streak,
    new Set(orders.map((o) => Math.floor(o.at / DAY_MS))).size,
    orders.reduce((s, o) => s + Math.exp(-days(cutoff - o.at) / 30), 0),
    n ? Math.log1p(Math.max(0, orders[n - 1].revenue)) : 0,
    n ? new Set(orders[n - 1].items).size : 0,
    gapHazard(orders.map((o) => o.at), recency, 30),
  ];
}

/** Coefficient of variation of the gaps between sorted timestamps (population std; 0 below 2 gaps). */
export function gapCv(times: number[]): number {
  if (times.length < 3) return 0;
  const gaps = times.slice(1).map((t, i) => (t - times[i]) / DAY_MS);
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  if (mean <= 0) return 0;
  const variance = gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length;
  return Math.sqrt(variance) / mean;
}

/** Smoothed share of past gaps longer than `elapsed` days that ended within `horizon` more days. */
export function gapHazard(times: number[], elapsed: number, horizon: number): number {
  let longer = 0;
  let ended = 0;
  for (let i = 1; i < times.length; i++) {
    const gap = (times[i] - times[i - 1]) / DAY_MS;
    if (gap > elapsed) {
      longer++;
      if (gap <= elapsed + horizon) ended++;
    }
  }
  return (ended + 0.5) / (longer + 1);
}

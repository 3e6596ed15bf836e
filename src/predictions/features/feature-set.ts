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


import { FEATURE_NAMES, NO_HISTORY_DAYS } from "./feature-set";
import { aggregateHistory, emptyAggregates, featureVector, purchaseFeatures, type OrderRecord } from "./feature-vector";

const DAY = 86_400_000;
const T = Date.UTC(2024, 5, 1);
const order = (daysBefore: number, revenue: number, items: string[], units: number): OrderRecord => ({ at: T - daysBefore * DAY, revenue, refund: false, items, units });
const value = (vector: number[], name: string) => vector[FEATURE_NAMES.indexOf(name)];

describe("feature vector", () => {
  const history: OrderRecord[] = [order(100, 50, ["a", "b"], 3), order(40, 30, ["a"], 1), order(10, 20, ["c", "c"], 2), { at: T - 5 * DAY, revenue: -10, refund: true, items: [], units: 0 }];

  it("should give the hand-computed values when a history has three orders and a refund", () => {
    const v = featureVector(aggregateHistory(history, T));
    expect(value(v, "recency_days")).toBeCloseTo(10, 12);
    expect(value(v, "tenure_days")).toBeCloseTo(100, 12);
    expect(value(v, "orders_total")).toBe(3);
    expect(value(v, "orders_30d")).toBe(1);
    expect(value(v, "orders_90d")).toBe(2);
    expect(value(v, "orders_prev_90d")).toBe(1);
    expect(value(v, "mean_gap_days")).toBeCloseTo(45, 12);
    expect(value(v, "last_gap_days")).toBeCloseTo(30, 12);
    expect(value(v, "revenue_log")).toBeCloseTo(Math.log1p(100 - 10), 12);
    expect(value(v, "refund_share")).toBeCloseTo(0.1, 12);
    expect(value(v, "avg_lines_per_order")).toBeCloseTo(4 / 3, 12);
    expect(value(v, "distinct_items_log")).toBeCloseTo(Math.log1p(3), 12);
    // Windows 0 (10 d), 1 (40 d), 3 (100 d): streak 2, three windows in the last twelve.
    expect(value(v, "streak_windows")).toBe(2);
    expect(value(v, "active_windows_12")).toBe(3);
    expect(value(v, "active_windows_3")).toBe(2);
    // Gaps 60 and 30 days, both longer than recency 10; only the 30-day one ends within 10 + 30.
    expect(value(v, "gap_hazard_30")).toBeCloseTo(1.5 / 3, 12);
    expect(value(v, "gap_cv")).toBeCloseTo(15 / 45, 12);
  });

  it("should ignore orders at or after the cutoff when they are in the history", () => {
    const withFuture = [...history, order(0, 999, ["z"], 9), order(-3, 500, ["y"], 1)];
    expect(purchaseFeatures(withFuture, T)).toEqual(purchaseFeatures(history, T));
  });

  it("should give neutral values when a profile has no history", () => {
    const v = featureVector(emptyAggregates());
    expect(value(v, "recency_days")).toBe(NO_HISTORY_DAYS);
    expect(value(v, "days_since_last_event")).toBe(NO_HISTORY_DAYS);
    expect(value(v, "orders_total")).toBe(0);
    expect(v.every(Number.isFinite)).toBe(true);
  });
});

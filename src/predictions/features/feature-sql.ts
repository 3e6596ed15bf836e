import type { EntityManager, DataSource } from "typeorm";
import { ConsentPurpose, ConsentStatus } from "../../privacy/consent.entity";
import { preparedQuery } from "./prepared-query";
import { emptyAggregates, type ProfileAggregates } from "./feature-vector";

/**
 * THE feature definition: per-profile aggregates as of a cutoff $2, from events with
 * occurred_at < $2 only (training uses past cutoffs, serving uses now). $1 workspace, $3 profile
 * ids (NULL = every unmerged profile of the workspace). Mirrors `aggregateHistory`.
 */
export const FEATURE_AGGREGATES_SQL = `
WITH pop AS (
  SELECT id FROM profiles
  WHERE workspace_id = $1 AND merged_into_id IS NULL AND ($3::uuid[] IS NULL OR id = ANY($3::uuid[]))
),
ev AS (
  SELECT e.profile_id, e.type, e.item_ids, e.properties, COALESCE(e.revenue, 0)::float8 AS revenue, e.occurred_at,
         EXTRACT(EPOCH FROM ($2::timestamptz - e.occurred_at))::float8 / 86400 AS age
  FROM events e JOIN pop ON pop.id = e.profile_id
  WHERE e.workspace_id = $1 AND e.occurred_at < $2::timestamptz
),
o AS (
  SELECT ev.*,
         (SELECT COUNT(DISTINCT u.item_id) FROM unnest(ev.item_ids) AS u(item_id))::int AS lines,
         (SELECT COALESCE(SUM(CASE WHEN jsonb_typeof(li->'quantity') = 'number' THEN (li->>'quantity')::float8 ELSE 0 END), 0)
            FROM jsonb_array_elements(CASE WHEN jsonb_typeof(ev.properties->'lineItems') = 'array' THEN ev.properties->'lineItems' ELSE '[]'::jsonb END) li) AS units,
         EXTRACT(EPOCH FROM (ev.occurred_at - LAG(ev.occurred_at) OVER w))::float8 / 86400 AS gap,
         ROW_NUMBER() OVER (PARTITION BY ev.profile_id ORDER BY ev.occurred_at DESC) AS rn
  FROM ev WHERE ev.type = 'purchase'
  WINDOW w AS (PARTITION BY ev.profile_id ORDER BY ev.occurred_at)
),
agg AS (
  SELECT profile_id,
    COUNT(*)::int AS orders, MIN(age) AS min_age, MAX(age) AS max_age,
    MAX(gap) FILTER (WHERE rn = 1) AS last_gap,
    COUNT(*) FILTER (WHERE age <= 14)::int AS orders14,
    COUNT(*) FILTER (WHERE age <= 30)::int AS orders30,
    COUNT(*) FILTER (WHERE age <= 60)::int AS orders60,
    COUNT(*) FILTER (WHERE age <= 90)::int AS orders90,
    COUNT(*) FILTER (WHERE age > 90 AND age <= 180)::int AS orders_prev90,
    SUM(revenue) AS revenue,
    COALESCE(SUM(revenue) FILTER (WHERE age <= 90), 0) AS revenue90,
    SUM(lines)::float8 AS lines, SUM(units) AS units, SUM(LN(1 + GREATEST(units, 0))) AS units_log,
    COUNT(DISTINCT FLOOR(age / 30)) FILTER (WHERE FLOOR(age / 30) < 3)::int AS windows3,
    COUNT(DISTINCT FLOOR(age / 30)) FILTER (WHERE FLOOR(age / 30) < 6)::int AS windows6,
    COUNT(DISTINCT FLOOR(age / 30)) FILTER (WHERE age <= 360)::int AS windows12,
    ARRAY_AGG(DISTINCT FLOOR(age / 30)::int) FILTER (WHERE age <= 360) AS windows,
    COUNT(DISTINCT FLOOR(EXTRACT(EPOCH FROM occurred_at) / 86400))::int AS purchase_days,
    SUM(EXP(-age / 30)) AS decay30,
    COUNT(gap)::int AS gap_count, COALESCE(STDDEV_POP(gap), 0) AS gap_std,
    MAX(revenue) FILTER (WHERE rn = 1) AS last_revenue, MAX(lines) FILTER (WHERE rn = 1) AS last_lines
  FROM o GROUP BY profile_id
),
hazard AS (
  SELECT o.profile_id, COUNT(*) FILTER (WHERE o.gap > agg.min_age)::int AS longer,
         COUNT(*) FILTER (WHERE o.gap > agg.min_age AND o.gap <= agg.min_age + 30)::int AS ended
  FROM o JOIN agg USING (profile_id) WHERE o.gap IS NOT NULL GROUP BY o.profile_id
),
bought AS (SELECT o.profile_id, COUNT(DISTINCT u.item_id)::int AS distinct_items FROM o CROSS JOIN LATERAL unnest(o.item_ids) AS u(item_id) GROUP BY o.profile_id),
refunds AS (SELECT profile_id, COUNT(*)::int AS refunds, -SUM(revenue) AS refunded FROM ev WHERE type = 'refund' GROUP BY profile_id),
engagement AS (
  SELECT profile_id, MIN(age) AS last_event_age,
    COUNT(*) FILTER (WHERE age <= 30 AND type IN ('product_view', 'page_view'))::int AS views30,
    COUNT(*) FILTER (WHERE age <= 30 AND type = 'add_to_cart')::int AS carts30,
    COUNT(*) FILTER (WHERE age <= 30 AND type = 'email_open')::int AS opens30,
    COUNT(*) FILTER (WHERE age <= 30 AND type = 'email_click')::int AS clicks30
  FROM ev GROUP BY profile_id
),
items_cat AS (SELECT id, category FROM items WHERE workspace_id = $1 AND category IS NOT NULL),
cat_counts AS (
  SELECT ev.profile_id, i.category, COUNT(*)::int AS n
  FROM ev CROSS JOIN LATERAL unnest(ev.item_ids) AS u(item_id) JOIN items_cat i ON i.id = u.item_id
  WHERE ev.age <= 90 AND ev.type IN ('product_view', 'add_to_cart', 'purchase')
  GROUP BY ev.profile_id, i.category
),
cats AS (SELECT profile_id, MAX(n)::int AS top_count, SUM(n)::int AS total FROM cat_counts GROUP BY profile_id)
SELECT agg.*, hazard.longer, hazard.ended, bought.distinct_items, refunds.refunds, refunds.refunded,
       engagement.last_event_age, engagement.views30, engagement.carts30, engagement.opens30, engagement.clicks30,
       cats.top_count, cats.total, pop.id AS profile_id -- last: agg.* carries a NULL profile_id for profiles without purchases
FROM pop
LEFT JOIN agg ON agg.profile_id = pop.id
LEFT JOIN hazard ON hazard.profile_id = pop.id
LEFT JOIN bought ON bought.profile_id = pop.id
LEFT JOIN refunds ON refunds.profile_id = pop.id
LEFT JOIN engagement ON engagement.profile_id = pop.id
LEFT JOIN cats ON cats.profile_id = pop.id
`;

const BATCH_POPULATION_FROM = `SELECT id FROM profiles
  WHERE workspace_id = $1 AND merged_into_id IS NULL AND ($3::uuid[] IS NULL OR id = ANY($3::uuid[]))`;
const BATCH_POPULATION_TO = `SELECT p.id FROM unnest($3::uuid[]) AS u(id) JOIN profiles p ON p.id = u.id
  WHERE p.workspace_id = $1 AND p.merged_into_id IS NULL`;
/**
 * Serving leaves out profiles whose profiling consent is denied or revoked, so the features can be
 * computed while the consent service is asked in parallel (its answer still decides, see
 * PredictionsService): nothing is computed from a person who said no. Mirrors `isAllowed` for profiling.
 */
export const PROFILING_CONSENT_FILTER = `NOT EXISTS (SELECT 1 FROM consents c WHERE c.workspace_id = $1 AND c.profile_id = p.id AND c.purpose = '${ConsentPurpose.PROFILING}' AND c.status <> '${ConsentStatus.GRANTED}')`;
// The batch variant is a text substitution: fail at load, not at query time, if the SQL drifts from it.
if (!FEATURE_AGGREGATES_SQL.includes(BATCH_POPULATION_FROM)) throw new Error("feature SQL: the population clause changed; update BATCH_POPULATION_FROM");

type Row = Record<string, string | number | null | number[]>;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const opt = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Maps one SQL row to aggregates (absent blocks are empty). */
export function rowToAggregates(row: Row): ProfileAggregates {
  const a = emptyAggregates();
  if (num(row.orders) > 0) {
    const windows = new Set((row.windows as number[] | null) ?? []);
    let streak = 0;
    while (windows.has(streak)) streak++;
    Object.assign(a, {
      orders: num(row.orders), minAge: opt(row.min_age), maxAge: opt(row.max_age), lastGap: opt(row.last_gap),
      orders14: num(row.orders14), orders30: num(row.orders30), orders60: num(row.orders60), orders90: num(row.orders90), ordersPrev90: num(row.orders_prev90),
      revenue: num(row.revenue), revenue90: num(row.revenue90), lines: num(row.lines), units: num(row.units), unitsLog: num(row.units_log),
      windows3: num(row.windows3), windows6: num(row.windows6), windows12: num(row.windows12), streak, purchaseDays: num(row.purchase_days),
      decay30: num(row.decay30), gapCount: num(row.gap_count), gapStd: num(row.gap_std), hazardLonger: num(row.longer), hazardEnded: num(row.ended),
      lastRevenue: num(row.last_revenue), lastLines: num(row.last_lines), distinctItems: num(row.distinct_items),
    });
  }
  a.refunds = num(row.refunds);
  a.refunded = num(row.refunded);
  a.views30 = num(row.views30);
  a.carts30 = num(row.carts30);
  a.opens30 = num(row.opens30);
  a.clicks30 = num(row.clicks30);
  a.lastEventAge = opt(row.last_event_age);
  a.topCategoryCount = num(row.top_count);
  a.categoryTotal = num(row.total);
  return a;
}

const SERVING_SQL = FEATURE_AGGREGATES_SQL.replace(BATCH_POPULATION_FROM, `${BATCH_POPULATION_TO} AND ${PROFILING_CONSENT_FILTER}`);

/**
 * Aggregates per profile as of `cutoff` (profileIds null = the whole workspace); `consentedOnly`
 * (serving a batch) leaves out profiles without profiling consent.
 */
export async function loadAggregates(db: DataSource | EntityManager, workspaceId: string, cutoff: Date, profileIds: string[] | null, options: { consentedOnly?: boolean } = {}): Promise<Map<string, ProfileAggregates>> {
  // A batch of ids is looked up by primary key instead of scanning the workspace's profiles.
  const serving = profileIds !== null && options.consentedOnly === true;
  const sql = serving ? SERVING_SQL : profileIds ? FEATURE_AGGREGATES_SQL.replace(BATCH_POPULATION_FROM, BATCH_POPULATION_TO) : FEATURE_AGGREGATES_SQL;
  const name = serving ? "kindred_prediction_features_serving" : profileIds ? "kindred_prediction_features_batch" : "kindred_prediction_features_all";
  const rows = await preparedQuery<Row>(db, name, sql, [workspaceId, cutoff.toISOString(), profileIds]);
  return new Map(rows.map((r) => [String(r.profile_id), rowToAggregates(r)]));
}

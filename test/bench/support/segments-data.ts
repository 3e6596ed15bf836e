import { Client } from "pg";
import type { Condition } from "../../../src/segments/condition.types";
import { conditionDependencies } from "../../../src/segments/dependencies";

const PROFILE = (v: string) => `('00000000-0000-4000-8000-' || lpad(to_hex(${v}), 12, '0'))::uuid`;

/** A bench rule: its condition and the SQL a person would write for it by hand (same `$1` workspace, `$2` now). */
export interface BenchRule {
  key: string;
  condition: Condition;
  dependencies: ReturnType<typeof conditionDependencies>;
  sql: string;
}

const rule = (key: string, condition: unknown, where: string): BenchRule => ({
  key,
  condition: condition as Condition,
  dependencies: conditionDependencies(condition as Condition, new Map()),
  sql: `SELECT p.id FROM profiles p WHERE p.workspace_id = $1 AND p.merged_into_id IS NULL AND ${where}`,
});

export const BENCH_RULES: BenchRule[] = [
  rule(
    "adults_paid",
    { and: [{ trait: { name: "age", op: "BETWEEN", values: [25, 40] } }, { trait: { name: "plan", op: "IN", values: ["gold", "silver"] } }] },
    `(p.traits ->> 'age')::numeric BETWEEN 25 AND 40 AND p.traits ->> 'plan' IN ('gold', 'silver')`,
  ),
  rule("likely_buyers", { trait: { name: "purchase_propensity", source: "COMPUTED", op: "GT", value: 0.7 } }, `(p.computed ->> 'purchase_propensity')::numeric > 0.7`),
  rule(
    "cart_abandoners_24h",
    { and: [{ event: { type: "add_to_cart", within: { hours: 24 } } }, { event: { type: "purchase", didNot: true, within: { hours: 24 } } }] },
    `p.id IN (SELECT e.profile_id FROM events e WHERE e.workspace_id = $1 AND e.type = 'add_to_cart' AND e.occurred_at > $2::timestamptz - interval '24 hours' AND e.occurred_at <= $2)
     AND NOT EXISTS (SELECT 1 FROM events e WHERE e.workspace_id = $1 AND e.profile_id = p.id AND e.type = 'purchase' AND e.occurred_at > $2::timestamptz - interval '24 hours' AND e.occurred_at <= $2)`,
  ),
  rule(
    "frequent_buyers_30d",
    { event: { type: "purchase", count: "AT_LEAST", times: 2, within: { days: 30 } } },
    `p.id IN (SELECT e.profile_id FROM events e WHERE e.workspace_id = $1 AND e.type = 'purchase' AND e.occurred_at > $2::timestamptz - interval '30 days' AND e.occurred_at <= $2 GROUP BY e.profile_id HAVING count(*) >= 2)`,
  ),
  rule(
    "electronics_or_vip",
    { or: [{ event: { type: "product_view", within: { days: 7 }, items: [{ field: "CATEGORY", op: "EQ", value: "Electronics" }] } }, { trait: { name: "tags", op: "CONTAINS", value: "vip" } }] },
    `(p.traits -> 'tags' @> '["vip"]' OR p.id IN (SELECT e.profile_id FROM events e JOIN items i ON i.workspace_id = e.workspace_id AND i.id = ANY(e.item_ids)
       WHERE e.workspace_id = $1 AND e.type = 'product_view' AND e.occurred_at > $2::timestamptz - interval '7 days' AND e.occurred_at <= $2 AND (i.category = 'Electronics' OR 'Electronics' = ANY(i.category_path))))`,
  ),
];

/** Generates profiles, 1,000 items and `perProfile` events per profile over 90 days, set-based. */
export async function seedSegmentsBench(url: string, workspaceId: string, profiles: number, perProfile: number, log: (line: string) => void): Promise<void> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const started = Date.now();
    const took = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    await db.query(`SET synchronous_commit = off`);
    await db.query(
      `INSERT INTO items (workspace_id, id, title, category_path, category, brand, price, tags)
       SELECT $1, 'item-' || i, 'Item ' || i, ARRAY[top, top || ' ' || (i % 3)], top || ' ' || (i % 3), 'Brand ' || (i % 25), (i % 500) + 0.99, '{}'
         FROM (SELECT i, (ARRAY['Electronics','Books','Home','Garden','Toys','Sports','Beauty','Fashion','Food','Music'])[1 + i % 10] AS top FROM generate_series(1, 1000) i) s`,
      [workspaceId],
    );
    await db.query(
      `INSERT INTO profiles (id, workspace_id, traits, computed, known)
       SELECT ${PROFILE("i")}, $1,
              jsonb_build_object('age', 18 + (random() * 60)::int, 'plan', (ARRAY['free','silver','gold'])[1 + (random() * 2)::int],
                                 'tags', CASE WHEN random() < 0.05 THEN '["vip"]'::jsonb ELSE '[]'::jsonb END),
              jsonb_build_object('purchase_propensity', round(random()::numeric, 3)), true
         FROM generate_series(1, $2::int) i`,
      [workspaceId, profiles],
    );
    log(`  ${profiles.toLocaleString("en-US")} profiles in ${took()}`);
    // A dedicated bench database: build the secondary indexes once after the load instead of row by row.
    const indexes = (await db.query(`SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = 'events' AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')`)).rows as { indexname: string; indexdef: string }[];
    for (const index of indexes) await db.query(`DROP INDEX "${index.indexname}"`);
    await db.query(
      `INSERT INTO events (id, workspace_id, message_id, type, occurred_at, profile_id, item_ids)
       SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(j), 12, '0'))::uuid, $1, 'b' || j, type, now() - random() * interval '90 days', ${PROFILE("1 + (j - 1) / $3")},
              CASE WHEN type IN ('product_view', 'add_to_cart', 'purchase') THEN ARRAY['item-' || (1 + (random() * 999)::int)] ELSE '{}' END
         FROM (SELECT j, CASE WHEN r < 0.5 THEN 'page_view' WHEN r < 0.75 THEN 'product_view' WHEN r < 0.87 THEN 'add_to_cart' WHEN r < 0.95 THEN 'purchase' ELSE 'email_open' END AS type
                 FROM (SELECT j, random() AS r FROM generate_series(1, $2::int) j) g) s`,
      [workspaceId, profiles * perProfile, perProfile],
    );
    log(`  ${(profiles * perProfile).toLocaleString("en-US")} events loaded in ${took()}`);
    await db.query(`SET maintenance_work_mem = '512MB'`);
    for (const index of indexes) await db.query(index.indexdef);
    await db.query(`ANALYZE profiles; ANALYZE events; ANALYZE items`);
    log(`  indexes rebuilt in ${took()}`);
  } finally {
    await db.end();
  }
}

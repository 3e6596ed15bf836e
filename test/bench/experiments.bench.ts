import { Client } from "pg";
import type { BenchSuite } from "./run";
import { startBenchServer } from "./support/bench-server";

const CAMPAIGN = "00000000-0000-4000-a000-00000000c001";
const EXPERIMENT = "00000000-0000-4000-a000-00000000e001";
const TEMPLATE = "00000000-0000-4000-a000-00000000f001";

// Recipients i = 1..N get profile ids derived from i; arms: 10% holdout, the rest a/b by parity.
const PROFILE = (v: string) => `('00000000-0000-4000-8000-' || lpad(to_hex(${v}), 12, '0'))::uuid`;

/** Seeds one campaign of `recipients` exposures and `events` outcome events, set-based. */
export async function seed(databaseUrl: string, workspaceId: string, recipients: number, events: number, log: (l: string) => void): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const started = Date.now();
    await db.query(
      `INSERT INTO campaigns (id, workspace_id, name, template_id, attribution_window_hours) VALUES ($1, $2, 'Bench campaign', $3, 72)`,
      [CAMPAIGN, workspaceId, TEMPLATE],
    );
    await db.query(
      `INSERT INTO experiments (id, workspace_id, name, kind, status, template_id, variants, holdout_share, primary_metric, sequential, started_at)
       VALUES ($1, $2, 'Bench subject test', 'SUBJECT', 'RUNNING', $3, $4, 0.1, 'CONVERSION_RATE', true, now())`,
      [EXPERIMENT, workspaceId, TEMPLATE, JSON.stringify([{ key: "a", weight: 1, control: true, overrides: { subject: "A" } }, { key: "b", weight: 1, control: false, overrides: { subject: "B" } }])],
    );
    await db.query(
      `INSERT INTO experiment_exposures (workspace_id, campaign_id, profile_id, experiment_id, variant_key, template_version, exposed_at)
       SELECT $1, $2, ${PROFILE("i")}, $3, CASE WHEN i % 10 = 0 THEN 'holdout' WHEN i % 2 = 0 THEN 'a' ELSE 'b' END, 'v1',
              timestamptz '2026-01-01 09:00:00+00' + (i % 3600) * interval '1 second'
         FROM generate_series(1, $4::int) AS i`,
      [workspaceId, CAMPAIGN, EXPERIMENT, recipients],
    );
    log(`  ${recipients.toLocaleString("en-US")} exposures in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // Events: recipient r = spread of j; 55% opens (1 in 8 a prefetch at +1 s), 30% clicks, 15% purchases;
    // offsets up to 96 h after the send so some fall outside the 72 h window; b converts a little more.
    // Rows go in recipient order to keep index maintenance cheap (the measured queries scan events whole).
    // Bulk load: drop the events indexes (scratch database), insert, then rebuild them exactly as
    // they were — a sorted build is much cheaper than millions of random index insertions.
    const { rows: indexes } = await db.query(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = 'public' AND i.tablename = 'events'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    );
    for (const index of indexes) await db.query(`DROP INDEX "${index.indexname}"`);
    await db.query(
      `INSERT INTO events (workspace_id, message_id, type, occurred_at, profile_id, properties, revenue)
       SELECT $1, 'bench-' || lpad(r::text, 8, '0') || '-' || j, kind, sent + CASE WHEN kind = 'email_open' AND j % 8 = 0 THEN interval '1 second' ELSE (j::bigint * 7919 % 345600) * interval '1 second' END,
              ${PROFILE("r")},
              CASE WHEN kind = 'purchase' THEN '{}'::jsonb ELSE $2::jsonb END,
              CASE WHEN kind = 'purchase' THEN (j % 97)::numeric END
         FROM (SELECT j, r, timestamptz '2026-01-01 09:00:00+00' + (r % 3600) * interval '1 second' AS sent,
                      CASE WHEN j % 20 < 11 THEN 'email_open' WHEN j % 20 < 17 THEN 'email_click'
                           WHEN j % 20 < 19 OR r % 2 = 1 THEN 'purchase' ELSE 'email_open' END AS kind
                 FROM (SELECT j, 1 + (j::bigint * 2654435761 % $3::int)::int AS r FROM generate_series(1, $4::int) AS j) s) t
        ORDER BY r`,
      [workspaceId, JSON.stringify({ campaignId: CAMPAIGN }), recipients, events],
    );
    for (const index of indexes) await db.query(index.indexdef);
    await db.query(`ANALYZE experiment_exposures; ANALYZE events; ANALYZE campaigns`);
    log(`  ${events.toLocaleString("en-US")} events seeded in ${((Date.now() - started) / 1000).toFixed(1)} s total`);
  } finally {
    await db.end();
  }
}

// The equivalent query written by hand for this one campaign (its settings inlined): the floor.
export const HAND_WRITTEN_SQL = `
  WITH o AS (
    SELECT e.profile_id,
           bool_or(e.type = 'email_click' OR (e.type = 'email_open' AND e.occurred_at >= x.exposed_at + interval '2 seconds' AND NOT e.properties @> '{"machineOpen": true}')) AS opened,
           bool_or(e.type = 'email_open' AND (e.occurred_at < x.exposed_at + interval '2 seconds' OR e.properties @> '{"machineOpen": true}')) AS machine,
           bool_or(e.type = 'email_click') AS clicked,
           bool_or(e.type = 'purchase') AS converted,
           coalesce(sum(e.revenue) FILTER (WHERE e.type = 'purchase'), 0)::float8 AS revenue
      FROM experiment_exposures x
      JOIN events e ON e.workspace_id = x.workspace_id AND e.profile_id = x.profile_id
       AND e.occurred_at >= x.exposed_at AND e.occurred_at < x.exposed_at + interval '72 hours'
     WHERE x.workspace_id = $1 AND x.campaign_id = $2
       AND e.type IN ('email_open', 'email_click', 'purchase')
       AND (e.type = 'purchase' OR coalesce(e.properties->>'campaignId', e.context->>'campaignId') = $2::text)
     GROUP BY e.profile_id)
  SELECT x.variant_key, count(*) AS sends, count(*) FILTER (WHERE o.opened) AS opens, count(*) FILTER (WHERE o.machine AND NOT o.opened) AS machine_opens,
         count(*) FILTER (WHERE o.clicked) AS clicks, count(*) FILTER (WHERE o.converted) AS conversions,
         coalesce(sum(o.revenue), 0) AS revenue, coalesce(sum(o.revenue * o.revenue), 0) AS revenue_squares
    FROM experiment_exposures x LEFT JOIN o ON o.profile_id = x.profile_id
   WHERE x.workspace_id = $1 AND x.campaign_id = $2
   GROUP BY x.variant_key ORDER BY x.variant_key`;

const REPORT_QUERY = `query($id: ID!) { campaignReport(id: $id) { totals { sends opens clicks conversions revenue } verdict
  experiments { experimentId srm { alarm pValue } arms { key sends opens machineOpens clicks conversions revenuePerRecipient
    vsControl { metric difference pValue sequentialPValue chanceToBeat significant } vsHoldout { metric difference pValue significant } } } } }`;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** campaignReport over a large campaign, next to the hand-written SQL of the same aggregation. */
export const suite: BenchSuite = {
  name: "experiments",
  description: "campaignReport (GraphQL, SQL aggregation + statistics) vs the equivalent hand-written SQL",
  async run({ quick, log }) {
    const recipients = quick ? 100_000 : 1_000_000;
    const events = quick ? 500_000 : 5_000_000;
    const rounds = quick ? 2 : 5;
    log(`seeding ${recipients.toLocaleString("en-US")} recipients and ${events.toLocaleString("en-US")} events`);
    const server = await startBenchServer({ prepare: (url, workspaceId) => seed(url, workspaceId, recipients, events, log) });
    const db = new Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      const [{ workspace_id: workspaceId }] = (await db.query(`SELECT workspace_id FROM campaigns WHERE id = $1`, [CAMPAIGN])).rows;
      const report = async (): Promise<{ seconds: number; body: { data?: { campaignReport: { totals: { sends: number; conversions: number } } }; errors?: unknown[] } }> => {
        const t0 = process.hrtime.bigint();
        const res = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${server.adminKey}` }, body: JSON.stringify({ query: REPORT_QUERY, variables: { id: CAMPAIGN } }) });
        const body = (await res.json()) as { data?: { campaignReport: { totals: { sends: number; conversions: number } } }; errors?: unknown[] };
        return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, body };
      };
      const sql = async (): Promise<{ seconds: number; rows: { sends: string; conversions: string }[] }> => {
        const t0 = process.hrtime.bigint();
        const { rows } = await db.query(HAND_WRITTEN_SQL, [workspaceId, CAMPAIGN]);
        return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, rows };
      };
      // Warm both (buffers, plans), then alternate so drift hits both alike.
      const warm = await report();
      if (warm.body.errors) throw new Error(`campaignReport failed: ${JSON.stringify(warm.body.errors)}`);
      const warmSql = await sql();
      const totals = warm.body.data!.campaignReport.totals;
      const sqlConversions = warmSql.rows.reduce((s, r) => s + Number(r.conversions), 0);
      if (totals.sends !== recipients || totals.conversions !== sqlConversions) throw new Error(`report and SQL disagree: ${JSON.stringify(totals)} vs ${sqlConversions} conversions`);
      const reportTimes: number[] = [];
      const sqlTimes: number[] = [];
      for (let i = 0; i < rounds; i++) {
        reportTimes.push((await report()).seconds);
        sqlTimes.push((await sql()).seconds);
        log(`  round ${i + 1}: report ${reportTimes[i].toFixed(3)} s, sql ${sqlTimes[i].toFixed(3)} s`);
      }
      const report_s = median(reportTimes);
      const sql_s = median(sqlTimes);
      return {
        recipients,
        events,
        rounds,
        report_s: Number(report_s.toFixed(3)),
        sql_s: Number(sql_s.toFixed(3)),
        ratio_to_sql: Number((report_s / sql_s).toFixed(3)),
        target_ratio: 1.5,
        conversions: totals.conversions,
      };
    } finally {
      await db.end();
      await server.stop();
    }
  },
};

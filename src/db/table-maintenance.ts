import type { DataSource } from "typeorm";

/** A table that was vacuumed or analyzed, and why. */
export interface MaintainedTable {
  table: string;
  action: "VACUUM ANALYZE" | "ANALYZE";
  deadRows: number;
  liveRows: number;
}

// PostgreSQL's own autovacuum defaults (threshold + scale factor × live rows).
const VACUUM_THRESHOLD = 50;
const VACUUM_SCALE = 0.2;
const ANALYZE_THRESHOLD = 50;
const ANALYZE_SCALE = 0.1;

/**
 * Does what autovacuum would when the server runs with `autovacuum = off` (seen on shared
 * development machines): Kindred rewrites profile rows on every event, so without vacuum the
 * tables bloat and ingestion slows down over time. Does nothing when autovacuum is on.
 */
export async function maintainTables(dataSource: DataSource): Promise<MaintainedTable[]> {
  const [{ autovacuum }] = await dataSource.query(`SELECT current_setting('autovacuum') AS autovacuum`);
  if (autovacuum === "on") return [];
  const rows: { schema: string; table: string; dead: string; live: string; modified: string }[] = await dataSource.query(
    `SELECT schemaname AS schema, relname AS table, n_dead_tup AS dead, n_live_tup AS live, n_mod_since_analyze AS modified
       FROM pg_stat_user_tables WHERE schemaname IN (current_schema(), 'pgboss') ORDER BY n_dead_tup DESC`,
  );
  const done: MaintainedTable[] = [];
  for (const r of rows) {
    const dead = Number(r.dead);
    const live = Number(r.live);
    const needsVacuum = dead > VACUUM_THRESHOLD + VACUUM_SCALE * live;
    const needsAnalyze = Number(r.modified) > ANALYZE_THRESHOLD + ANALYZE_SCALE * live;
    if (!needsVacuum && !needsAnalyze) continue;
    const action = needsVacuum ? "VACUUM ANALYZE" : "ANALYZE";
    // Identifiers come from the catalog, quoted; VACUUM cannot run inside a transaction, so no wrapper.
    await dataSource.query(`${needsVacuum ? "VACUUM (ANALYZE)" : "ANALYZE"} ${quoteIdent(r.schema)}.${quoteIdent(r.table)}`);
    done.push({ table: r.table, action, deadRows: dead, liveRows: live });
  }
  return done;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

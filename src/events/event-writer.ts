import type { EntityManager } from "typeorm";
import { clientOf, copyRows } from "./copy-rows";

/** One event row ready to store (short keys keep the JSON parameter small). */
export interface EventRow {
  /** The event's id, time-ordered (`uuidV7`); unused when the message id is already stored. */
  id: string;
  m: string;
  t: string;
  o: string;
  p: string;
  pr: Record<string, unknown>;
  c: Record<string, unknown>;
  i: string[];
  r: number | null;
  cur: string | null;
}

const INSERT = `INSERT INTO events (id, workspace_id, message_id, type, occurred_at, profile_id, properties, context, item_ids, revenue, currency)`;
const CONFLICT = `ON CONFLICT (workspace_id, message_id) DO NOTHING RETURNING id, message_id`;

/**
 * Stores events idempotently in one statement: rows travel as one JSON parameter, or — for
 * large import batches — by COPY into a transaction-local staging table. The parameter is read
 * as `json`, not `jsonb`: only its rows' properties and context become jsonb, and the whole
 * array is not built as a jsonb value first.
 */
export async function insertEvents(m: EntityManager, ws: string, rows: EventRow[], useCopy: boolean): Promise<{ id: string; message_id: string }[]> {
  if (!useCopy)
    return m.query(
      `${INSERT} SELECT x.id, $1, x.m, x.t, x.o, x.p, x.pr, x.c, x.i, x.r, x.cur
       FROM json_to_recordset($2::json) AS x(id uuid, m text, t text, o timestamptz, p uuid, pr jsonb, c jsonb, i text[], r numeric, cur text) ${CONFLICT}`,
      [ws, JSON.stringify(rows)],
    );
  await m.query(`CREATE TEMP TABLE IF NOT EXISTS event_staging (id uuid, m text, t text, o timestamptz, p uuid, pr jsonb, c jsonb, i text[], r numeric, cur text) ON COMMIT DELETE ROWS`);
  await copyRows(clientOf(m), "event_staging", ["id", "m", "t", "o", "p", "pr", "c", "i", "r", "cur"], rows.map((r) => [r.id, r.m, r.t, r.o, r.p, r.pr, r.c, r.i, r.r, r.cur]));
  return m.query(`${INSERT} SELECT id, $1, m, t, o, p, pr, c, i, r, cur FROM event_staging ${CONFLICT}`, [ws]);
}

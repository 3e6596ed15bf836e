import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import type { PoolClient } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { EntityManager } from "typeorm";
import { isoString } from "../common/iso-time";

/** A value COPY can carry: text, number, boolean, date, null, string list (text[]) or JSON (jsonb). */
export type CopyValue = string | number | boolean | Date | null | undefined | string[] | Record<string, unknown>;

const escapeText = (s: string) => s.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
const arrayLiteral = (xs: string[]) => `{${xs.map((x) => `"${x.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;

/** One value in COPY text format. */
export function copyField(v: CopyValue): string {
  if (v === null || v === undefined) return "\\N";
  if (v instanceof Date) return isoString(v.getTime());
  if (Array.isArray(v)) return escapeText(arrayLiteral(v));
  if (typeof v === "object") return escapeText(JSON.stringify(v));
  return escapeText(String(v));
}

/** Streams rows into `table` with COPY FROM STDIN (text format) on the given client. */
export async function copyRows(client: PoolClient, table: string, columns: string[], rows: Iterable<CopyValue[]>): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN`));
  async function* lines() {
    let chunk = "";
    for (const row of rows) {
      chunk += row.map(copyField).join("\t") + "\n";
      if (chunk.length > 256 * 1024) {
        yield chunk;
        chunk = "";
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(Readable.from(lines()), stream);
}

/** The pg client behind a TypeORM transaction's manager (for COPY inside the transaction). */
export function clientOf(manager: EntityManager): PoolClient {
  const client = (manager.queryRunner as unknown as { databaseConnection?: PoolClient } | undefined)?.databaseConnection;
  if (!client) throw new Error("COPY needs a manager bound to a connected query runner (inside a transaction)");
  return client;
}

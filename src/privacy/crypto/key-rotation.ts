import type { DataSource } from "typeorm";
import type { FieldCipher } from "./field-cipher";

/** A column holding FieldCipher tokens; `aadColumns` name the row values bound into each token. */
export interface EncryptedColumn {
  table: string;
  column: string;
  /** Columns that identify a row (keyset paging and the UPDATE). */
  keyColumns: string[];
  /** Columns whose values, joined by "|", form the associated data. */
  aadColumns: string[];
}

export interface RotationReport {
  rotated: number;
  failed: number;
  columns: Record<string, { rotated: number; failed: number }>;
}

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return `"${name}"`;
};

/**
 * Re-encrypts every token not made with the current key, column by column, in keyset-ordered
 * batches (each batch one UPDATE). Tokens that fail to decrypt (a removed key, tampering) are
 * counted and left as they are, never overwritten.
 */
export async function rotateColumns(
  dataSource: DataSource,
  cipher: FieldCipher,
  columns: EncryptedColumn[],
  options: { batchSize?: number; signal?: AbortSignal; progress?: (share: number, message: string) => Promise<void> } = {},
): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 500;
  const report: RotationReport = { rotated: 0, failed: 0, columns: {} };
  for (const [i, col] of columns.entries()) {
    const stats = { rotated: 0, failed: 0 };
    report.columns[`${col.table}.${col.column}`] = stats;
    // Qualified: the text casts in the select list must not shadow the columns in ORDER BY.
    const keys = col.keyColumns.map((k) => `t.${ident(k)}`);
    const value = ident(col.column);
    const needed = [...new Set([...col.keyColumns, ...col.aadColumns])].map((c) => `t.${ident(c)}::text AS ${ident(c)}`);
    let last: unknown[] | null = null;
    for (;;) {
      if (options.signal?.aborted) return report;
      const params: unknown[] = [cipher.currentKeyId, batchSize];
      const after = last ? `AND (${keys.join(", ")}) > (${last.map((_, j) => `$${j + 3}`).join(", ")})` : "";
      if (last) params.push(...last);
      const rows: Record<string, string>[] = await dataSource.query(
        `SELECT t.ctid::text AS "__ctid", ${needed.join(", ")}, t.${value} AS "__token" FROM ${ident(col.table)} t
         WHERE t.${value} IS NOT NULL AND split_part(t.${value}, '.', 2) <> $1 ${after}
         ORDER BY ${keys.join(", ")} LIMIT $2`,
        params,
      );
      if (!rows.length) break;
      last = col.keyColumns.map((k) => rows[rows.length - 1][k]);
      const updates: { ctid: string; old: string; token: string }[] = [];
      for (const row of rows) {
        try {
          const aad = col.aadColumns.map((c) => String(row[c])).join("|");
          updates.push({ ctid: row.__ctid, old: row.__token, token: cipher.reencrypt(row.__token, aad) });
        } catch {
          stats.failed++;
        }
      }
      if (updates.length) {
        // By physical row id, guarded by the old token: a row changed meanwhile is left for the next run.
        const [, affected] = (await dataSource.query(
          `UPDATE ${ident(col.table)} t SET ${value} = u.token FROM unnest($1::tid[], $2::text[], $3::text[]) AS u(id, old, token)
           WHERE t.ctid = u.id AND t.${value} = u.old`,
          [updates.map((u) => u.ctid), updates.map((u) => u.old), updates.map((u) => u.token)],
        )) as [unknown, number];
        stats.rotated += affected;
      }
      await options.progress?.((i + 0.5) / columns.length, `${col.table}.${col.column}: ${stats.rotated} re-encrypted`);
    }
    report.rotated += stats.rotated;
    report.failed += stats.failed;
  }
  return report;
}

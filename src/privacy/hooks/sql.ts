import type { EntityManager } from "typeorm";
import type { DataSubject } from "../privacy-hooks";

/** Rows of `table` whose `column` is one of the subject's profiles (workspace-scoped). */
export function rowsOf(manager: EntityManager, table: string, subject: DataSubject, column = "profile_id", orderBy?: string): Promise<Record<string, unknown>[]> {
  return manager.query(
    `SELECT * FROM ${table} WHERE workspace_id = $1 AND ${column} = ANY($2::uuid[])${orderBy ? ` ORDER BY ${orderBy}` : ""}`,
    [subject.workspaceId, subject.profileIds],
  );
}

/** Deletes the subject's rows of `table`; returns the count. */
export async function deleteRowsOf(manager: EntityManager, table: string, subject: DataSubject, column = "profile_id"): Promise<number> {
  const [, affected] = (await manager.query(`DELETE FROM ${table} WHERE workspace_id = $1 AND ${column} = ANY($2::uuid[])`, [subject.workspaceId, subject.profileIds])) as [unknown, number];
  return affected ?? 0;
}

/** True when a table exists (hooks for modules whose tables may not be migrated yet). */
export async function tableExists(manager: EntityManager, table: string): Promise<boolean> {
  const [row] = await manager.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [`public.${table}`]);
  return Boolean(row?.ok);
}

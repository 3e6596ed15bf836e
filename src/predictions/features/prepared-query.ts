import type { Pool } from "pg";
import type { DataSource, EntityManager } from "typeorm";

/**
 * Runs SQL as a named prepared statement on the DataSource's pg pool (planning the feature query
 * costs about as much as running it for a small batch); falls back to a plain query otherwise.
 */
export async function preparedQuery<T>(db: DataSource | EntityManager, name: string, text: string, values: unknown[]): Promise<T[]> {
  const pool = "driver" in db ? (db.driver as unknown as { master?: Pool }).master : undefined;
  if (pool && typeof pool.query === "function") return (await pool.query({ name, text, values })).rows as T[];
  return (await db.query(text, values)) as T[];
}

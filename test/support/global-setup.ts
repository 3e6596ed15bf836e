import { mkdtempSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { createDataSource } from "../../src/db/data-source";
import { startEmbeddedPostgres } from "../../src/db/embedded-postgres";
import { allMigrations } from "../../migrations";

/** Gives the test run a fresh, migrated database: a scratch one on DATABASE_URL's server, or an embedded PostgreSQL. */
export default async function globalSetup(): Promise<void> {
  const state = globalThis as { __kindredTeardown?: () => Promise<void> };
  let url: string;
  if (process.env.DATABASE_URL) {
    const admin = new URL(process.env.DATABASE_URL);
    const name = `kindred_test_${Date.now()}_${process.pid}`;
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    const scratch = new URL(admin.toString());
    scratch.pathname = `/${name}`;
    url = scratch.toString();
    state.__kindredTeardown = async () => {
      const c = new Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await c.end();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), "kindred-test-pg-"));
    chmodSync(dir, 0o755);
    const db = await startEmbeddedPostgres(join(dir, "data"));
    url = db.url;
    state.__kindredTeardown = db.stop;
  }
  const dataSource = createDataSource({ url, entities: [], migrations: allMigrations });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: "each" });
  await dataSource.destroy();
  process.env.KINDRED_TEST_DATABASE_URL = url;
}

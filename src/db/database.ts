import type { DataSource } from "typeorm";
import type { KindredConfig } from "../config/config";
import type { Logger } from "../common/logger";
import { createDataSource, poolOf, type EntityList } from "./data-source";
import { guardClientErrors } from "./client-error-guard";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { allMigrations } from "../../migrations";

/** An open database: the DataSource, its URL and how to close it (and the embedded server). */
export interface OpenDatabase {
  dataSource: DataSource;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** Uses DATABASE_URL, or starts the embedded PostgreSQL under the data directory. */
export async function resolveDatabaseUrl(config: KindredConfig, logger: Logger): Promise<{ url: string; embedded: boolean; stop: () => Promise<void> }> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, stop: async () => undefined };
  logger.info({ dir: config.embeddedPostgresDir }, "DATABASE_URL is not set: starting embedded PostgreSQL");
  const db = await startEmbeddedPostgres(config.embeddedPostgresDir, (line) => logger.debug({ postgres: line.trim() }, "embedded postgres"));
  return { url: db.url, embedded: true, stop: db.stop };
}

/** Opens the database and, unless told otherwise, applies pending migrations. */
export async function openDatabase(config: KindredConfig, logger: Logger, entities: EntityList, options: { migrate: boolean; applicationName?: string }): Promise<OpenDatabase> {
  const server = await resolveDatabaseUrl(config, logger);
  const dataSource = createDataSource({ url: server.url, entities, migrations: allMigrations, poolSize: config.dbPoolSize, applicationName: options.applicationName });
  try {
    await dataSource.initialize();
    guardClientErrors(poolOf(dataSource), (error) => logger.warn({ err: error }, "database connection lost"));
    if (options.migrate) {
      const applied = await dataSource.runMigrations({ transaction: "each" });
      if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, "applied migrations");
    }
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    await server.stop().catch(() => undefined);
    throw error;
  }
  return {
    dataSource,
    url: server.url,
    embedded: server.embedded,
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await server.stop();
    },
  };
}

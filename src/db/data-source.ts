import { DataSource } from "typeorm";
import type { Pool } from "pg";
import { SnakeNamingStrategy } from "./naming";

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityList = Function[];

export interface DataSourceOptions {
  url: string;
  entities: EntityList;
  migrations: EntityList;
  poolSize?: number;
  applicationName?: string;
}

/** The one way Kindred builds a TypeORM DataSource: migrations only, never synchronize. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: "postgres",
    url: options.url,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: "migrations",
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: "pgcrypto",
    logging: false,
    extra: {
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? "kindred",
      connectionTimeoutMillis: 10_000,
    },
  });
}

/** The pg Pool behind a DataSource, for COPY, LISTEN and pool metrics. */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

/** True when every migration known to the DataSource has been applied. */
export async function migrationsApplied(dataSource: DataSource): Promise<boolean> {
  return !(await dataSource.showMigrations());
}

import "reflect-metadata";
import { createDataSource } from "./src/db/data-source";
import { allEntities } from "./src/server/modules";
import { allMigrations } from "./migrations";

// The DataSource for the TypeORM CLI (migration:generate / migration:run). Needs DATABASE_URL.
export default createDataSource({
  url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/kindred_dev",
  entities: allEntities,
  migrations: allMigrations,
});

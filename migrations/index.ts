import { readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Every migration class in this folder, in file-name (timestamp) order. Works from the
 * TypeScript sources (tests, TypeORM CLI) and from compiled JavaScript (dist).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const allMigrations: Function[] = readdirSync(__dirname)
  .filter((file) => /^\d{10,}-.+\.(ts|js)$/.test(file) && !file.endsWith(".d.ts"))
  .sort()
  // eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-function-type
  .flatMap((file) => Object.values(require(join(__dirname, file)) as Record<string, Function>));

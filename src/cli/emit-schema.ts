import "reflect-metadata";
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { buildOfflineSchema, schemaText } from "./schema-offline";

const SCHEMA_PATH = resolve(__dirname, "../../../schema/schema.graphql");

async function main(): Promise<void> {
  const text = schemaText(await buildOfflineSchema());
  if (process.argv.includes("--check")) {
    const committed = existsSync(SCHEMA_PATH) ? readFileSync(SCHEMA_PATH, "utf8") : "";
    if (committed !== text) {
      console.error("schema/schema.graphql is stale: run `npm run schema:emit` and commit the result.");
      process.exit(1);
    }
    console.log("schema/schema.graphql is up to date");
    return;
  }
  mkdirSync(resolve(SCHEMA_PATH, ".."), { recursive: true });
  writeFileSync(SCHEMA_PATH, text);
  console.log(`wrote ${SCHEMA_PATH}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

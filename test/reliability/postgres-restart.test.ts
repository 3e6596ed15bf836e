import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../src/db/embedded-postgres";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { newStats, sendUntilAcknowledged } from "./support/ingest-client";
import { startPostgresProcess, startServerProcess, type PostgresProcess, type ServerProcess } from "./support/processes";

describe("PostgreSQL restart under load", () => {
  let dir: string;
  let pg: PostgresProcess;
  let server: ServerProcess;
  let admin: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    // A dedicated embedded PostgreSQL: this test stops and starts it, never the machine's server.
    dir = mkdtempSync(join(tmpdir(), "kindred-pg-restart-"));
    chmodSync(dir, 0o755);
    pg = await startPostgresProcess(join(dir, "data"), await freePort());
    admin = await startTestApp({ DATABASE_URL: pg.url });
    ws = await admin.createWorkspace("pg-restart");
    server = await startServerProcess({ DATABASE_URL: pg.url, KINDRED_RATE_LIMIT_PER_SECOND: "0" });
  });
  afterAll(async () => {
    await server?.kill("SIGTERM");
    await admin?.stop().catch(() => undefined);
    await pg?.exit();
    rmSync(dir, { recursive: true, force: true });
  });

  it("should go unready while the database is down, recover by itself and lose no acknowledged write", async () => {
    const readiness: { at: number; status: number }[] = [];
    let polling = true;
    let probeError = "";
    const poller = (async () => {
      while (polling) {
        const status = await fetch(`${server.baseUrl}/readyz`, { signal: AbortSignal.timeout(3000) }).then(
          (r) => r.status,
          (error: Error) => ((probeError = String(error.cause ?? error)), 0),
        );
        if (readiness.at(-1)?.status !== status) readiness.push({ at: Date.now(), status });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const stats = newStats();
    const sent = new Set<string>();
    let sending = true;
    const deadline = Date.now() + 120_000;
    let failure: unknown;
    const clients = Array.from({ length: 6 }, async (_, c) => {
      for (let b = 0; sending; b++) {
        const events = Array.from({ length: 20 }, (_, i) => ({ messageId: `pg${c}-${b}-${i}`, type: "page_view", userId: `pg-user-${(c * 3 + i) % 40}` }));
        for (const e of events) sent.add(e.messageId);
        await sendUntilAcknowledged(() => server.url, ws.keys.ingest, events, stats, deadline);
      }
    }).map((client) => client.catch((error: unknown) => void (failure ??= error)));
    // Each phase fails with what it waited for and what was seen, instead of hanging until the test times out.
    const reach = async (phase: string, done: () => boolean, ms = 25_000) => {
      const until = Date.now() + ms;
      while (!done()) {
        if (failure) throw new Error(`${phase}: a client failed: ${String(failure)}`);
        if (Date.now() > until) throw new Error(`${phase}: not reached in ${ms} ms (acknowledged ${stats.acknowledged.size}, failed attempts ${stats.failures}, readiness ${JSON.stringify(readiness.map((r) => r.status))}${probeError && ` (last probe error: ${probeError})`}; ${server.describe()})`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    await reach("600 events acknowledged", () => stats.acknowledged.size >= 600);
    const stoppedAt = Date.now();
    await pg.stop();
    await reach("unready while PostgreSQL is down", () => readiness.at(-1)?.status === 503);
    await new Promise((r) => setTimeout(r, 2000)); // clients keep retrying against a dead database
    const ackedWhileDown = stats.acknowledged.size;
    await pg.start();
    const startedAt = Date.now();
    await reach("ready again after PostgreSQL started", () => readiness.at(-1)?.status === 200);
    const recoveredMs = Date.now() - startedAt;
    const before = stats.acknowledged.size;
    await reach("600 more events acknowledged", () => stats.acknowledged.size >= before + 600);
    sending = false;
    await Promise.all(clients);
    expect(failure).toBeUndefined();
    polling = false;
    await poller;

    expect(server.child.exitCode).toBeNull(); // no crash
    // Red while the database is down, green at the end, and never unreachable (0 = no answer).
    const statuses = readiness.map((r) => r.status);
    expect(statuses[0]).toBe(200);
    expect(statuses).toContain(503);
    expect(statuses.at(-1)).toBe(200);
    expect(statuses).not.toContain(0);
    const db = admin.app.runtime.kernel.dataSource;
    const rows: { message_id: string; n: number }[] = await db.query(`SELECT message_id, count(*)::int AS n FROM events WHERE workspace_id = $1 GROUP BY message_id`, [ws.id]);
    const stored = new Set(rows.map((r) => r.message_id));
    console.log(`postgres restart: ${sent.size} events sent, down ${startedAt - stoppedAt} ms, ready again ${recoveredMs} ms after PostgreSQL started, ${stats.failures} failed attempts retried, statuses ${JSON.stringify(Object.fromEntries(stats.statuses))}, acknowledged while down ${ackedWhileDown}`);
    expect([...stats.acknowledged].filter((m) => !stored.has(m))).toEqual([]);
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    expect(rows.length).toBe(sent.size);
  }, 150_000);
});

import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { newStats, sendUntilAcknowledged } from "./support/ingest-client";
import { startServerProcess, type ServerProcess } from "./support/processes";

describe("SIGKILL during ingestion", () => {
  let admin: TestApp;
  let ws: TestWorkspace;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    admin = await startTestApp();
    ws = await admin.createWorkspace("crash");
  });
  afterAll(async () => {
    await server?.kill("SIGKILL");
    await admin.stop();
  });

  it("should store every event exactly once when clients retry the same messageIds after the server is killed", async () => {
    server = await startServerProcess({ KINDRED_RATE_LIMIT_PER_SECOND: "0" });
    const port = server.port;
    let current = server;
    const CLIENTS = 8;
    const BATCHES = 10;
    const SIZE = 40;
    const stats = newStats();
    const sent = new Set<string>();
    const deadline = Date.now() + 90_000;
    const clients = Array.from({ length: CLIENTS }, async (_, c) => {
      for (let b = 0; b < BATCHES; b++) {
        const events = Array.from({ length: SIZE }, (_, i) => ({ messageId: `c${c}-b${b}-e${i}`, type: i % 5 ? "page_view" : "add_to_cart", userId: `crash-user-${(c * 7 + i) % 60}`, properties: i % 5 ? { url: `https://shop.test/${b}` } : { itemId: `i${i}`, quantity: 1, price: 9.5 } }));
        for (const e of events) sent.add(e.messageId);
        await sendUntilAcknowledged(() => current.url, ws.keys.ingest, events, stats, deadline);
      }
    });

    // Kill while batches are in flight (after a share of them was acknowledged), then restart on the same port.
    while (stats.acknowledged.size < (CLIENTS * BATCHES * SIZE) / 4) await new Promise((r) => setTimeout(r, 20));
    const acknowledgedBeforeKill = stats.acknowledged.size;
    const killedAt = Date.now();
    await server.kill("SIGKILL");
    server = await startServerProcess({ KINDRED_RATE_LIMIT_PER_SECOND: "0" }, port);
    current = server;
    const downMs = Date.now() - killedAt;
    await Promise.all(clients);

    const db = admin.app.runtime.kernel.dataSource;
    const rows: { message_id: string; n: number }[] = await db.query(`SELECT message_id, count(*)::int AS n FROM events WHERE workspace_id = $1 GROUP BY message_id`, [ws.id]);
    const stored = new Map(rows.map((r) => [r.message_id, r.n]));
    const missing = [...stats.acknowledged].filter((m) => !stored.has(m));
    const duplicated = rows.filter((r) => r.n !== 1);
    // Visible in CI logs and quoted in the README.
    console.log(`crash: ${sent.size} events sent, ${acknowledgedBeforeKill} acknowledged before SIGKILL, down ${downMs} ms, ${stats.failures} failed attempts retried, statuses ${JSON.stringify(Object.fromEntries(stats.statuses))}, stored ${rows.length}`);
    expect(stats.acknowledged.size).toBe(sent.size);
    expect(missing).toEqual([]);
    expect(duplicated).toEqual([]);
    expect(rows.length).toBe(sent.size);
    // One profile per person: identity resolution stayed consistent across the crash.
    const [{ people }] = await db.query(`SELECT count(DISTINCT COALESCE(p.merged_into_id, p.id))::int AS people FROM profile_identifiers i JOIN profiles p ON p.id = i.profile_id WHERE i.workspace_id = $1 AND i.type = 'user_id'`, [ws.id]);
    expect(people).toBe(60);
  });
});

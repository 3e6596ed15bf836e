import type { KindredModule } from "../../src/common/kernel";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { fixtureModule } from "../support/fixture-module";
import { maintainTables } from "../../src/db/table-maintenance";

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`condition not met: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("background jobs", () => {
  let t: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp({ KINDRED_RUN_WORKER: "true" }, [fixtureModule]);
    ws = await t.createWorkspace("jobs");
  });
  afterAll(() => t.stop());

  const jobQuery = (id: string) => t.gql<{ job: { status: string; progress: number; result: unknown } }>(`query($id: ID!) { job(id: $id) { status progress result message } }`, { id }, ws.keys.analyst);

  it("should run a job to completion with progress and a result", async () => {
    const id = await t.app.runtime.kernel.jobs.enqueue("test.count", ws.id, { steps: 3, stepMs: 10 });
    const done = await waitFor(() => jobQuery(id), (r) => r.data?.job.status === "SUCCEEDED");
    expect(done.data!.job).toMatchObject({ progress: 1, result: { counted: 3 } });
  });

  it("should vacuum a bloated table when the server runs with autovacuum off, and leave it to autovacuum otherwise", async () => {
    const ds = t.app.runtime.kernel.dataSource;
    await ds.query(`CREATE TABLE maintenance_probe (id int PRIMARY KEY, v text)`);
    await ds.query(`INSERT INTO maintenance_probe SELECT g, 'x' FROM generate_series(1, 2000) g`);
    await ds.query(`UPDATE maintenance_probe SET v = 'y'`);
    const [{ autovacuum }] = await ds.query(`SELECT current_setting('autovacuum') AS autovacuum`);
    // Table statistics reach pg_stat_user_tables shortly after commit.
    await waitFor(async () => Number((await ds.query(`SELECT n_dead_tup AS d FROM pg_stat_user_tables WHERE relname = 'maintenance_probe'`))[0]?.d ?? 0), (d) => d >= 2000);
    const done = await maintainTables(ds);
    if (autovacuum === "on") {
      expect(done).toEqual([]);
    } else {
      expect(done).toContainEqual(expect.objectContaining({ table: "maintenance_probe", action: "VACUUM ANALYZE" }));
      const after = await waitFor(async () => Number((await ds.query(`SELECT n_dead_tup AS d FROM pg_stat_user_tables WHERE relname = 'maintenance_probe'`))[0].d), (d) => d === 0);
      expect(after).toBe(0);
    }
    await ds.query(`DROP TABLE maintenance_probe`);
  });

  it("should cancel a running job", async () => {
    const id = await t.app.runtime.kernel.jobs.enqueue("test.count", ws.id, { steps: 1000, stepMs: 20 });
    await waitFor(() => jobQuery(id), (r) => r.data?.job.status === "RUNNING");
    const cancel = await t.gql(`mutation($id: ID!) { cancelJob(input: { id: $id }) { job { id } } }`, { id }, ws.keys.editor);
    expect(cancel.errors).toBeUndefined();
    const done = await waitFor(() => jobQuery(id), (r) => r.data?.job.status === "CANCELLED");
    expect(done.data!.job.progress).toBeLessThan(1);
  });

  it("should not show or cancel another workspace's job", async () => {
    const other = await t.createWorkspace("jobs-other");
    const id = await t.app.runtime.kernel.jobs.enqueue("test.count", other.id, { steps: 1, stepMs: 1 });
    expect((await jobQuery(id)).errors![0].extensions!.code).toBe("NOT_FOUND");
    const cancel = await t.gql(`mutation($id: ID!) { cancelJob(input: { id: $id }) { job { id } } }`, { id }, ws.keys.admin);
    expect(cancel.errors![0].extensions!.code).toBe("NOT_FOUND");
    const list = await t.gql<{ jobs: { edges: { node: { id: string } }[] } }>(`{ jobs(first: 100) { edges { node { id } } } }`, {}, ws.keys.analyst);
    expect(list.data!.jobs.edges.map((e) => e.node.id)).not.toContain(id);
  });

  it("should queue a running job again, not cancel it, when the worker running it shuts down", async () => {
    // Only these two apps know the kind, so the first runs it and, once stopped, the second must finish it.
    const handoff: KindredModule = {
      name: "test-handoff",
      entities: [],
      create(kernel) {
        kernel.jobs.define<{ steps: number }, { counted: number }>({
          kind: "test.handoff",
          async handle(ctx) {
            let counted = 0;
            for (; counted < ctx.params.steps && !ctx.signal.aborted; counted++) await new Promise((resolve) => setTimeout(resolve, 25));
            return { counted };
          },
        });
        return {};
      },
    };
    const first = await startTestApp({ KINDRED_RUN_WORKER: "true" }, [handoff]);
    const id = await first.app.runtime.kernel.jobs.enqueue("test.handoff", ws.id, { steps: 40 });
    await waitFor(() => jobQuery(id), (r) => r.data?.job.status === "RUNNING");
    const second = await startTestApp({ KINDRED_RUN_WORKER: "true" }, [handoff]);
    try {
      await first.stop();
      const done = await waitFor(() => jobQuery(id), (r) => ["SUCCEEDED", "FAILED", "CANCELLED"].includes(r.data?.job.status ?? ""));
      expect(done.data!.job).toMatchObject({ status: "SUCCEEDED", result: { counted: 40 } });
    } finally {
      await second.stop();
    }
  });
});

describe("graceful shutdown", () => {
  it("should finish a request in flight, then refuse new connections", async () => {
    const t = await startTestApp({}, [fixtureModule]);
    const ws = await t.createWorkspace("shutdown");
    const inFlight = t.gql<{ slow: number }>("{ slow(ms: 700) }", {}, ws.keys.analyst);
    await new Promise((r) => setTimeout(r, 150));
    const stopped = t.stop();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ slow: 700 });
    await stopped;
    await expect(fetch(`${t.baseUrl}/healthz`)).rejects.toThrow();
  });
});

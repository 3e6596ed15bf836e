import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { collect, wsClient } from "../support/ws-client";

const JOB_UPDATED = "subscription($id: ID!) { jobUpdated(jobId: $id) { jobId status progress message } }";
const JOB_ID = "00000000-0000-4000-8000-000000000001";

describe("subscriptions over graphql-ws", () => {
  let a: TestApp;
  let b: TestApp;
  let ws: TestWorkspace;
  let other: TestWorkspace;

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestApp(), startTestApp()]);
    ws = await a.createWorkspace("subs");
    other = await a.createWorkspace("subs-other");
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
  });

  it("should refuse a WebSocket connection without a valid key", async () => {
    const none = wsClient(a.url);
    expect(await none.closed).toBe(4403);
    const bad = wsClient(a.url, "kdr_00000000_" + "x".repeat(43));
    expect(await bad.closed).toBe(4403);
  });

  it("should deliver events of the caller's workspace only", async () => {
    const { client } = wsClient(a.url, ws.keys.analyst);
    const sub = collect<{ jobUpdated: { jobId: string; status: string } }>(client, JOB_UPDATED, { id: JOB_ID });
    await new Promise((r) => setTimeout(r, 200));
    a.app.runtime.kernel.bus.publish("job.updated", { workspaceId: other.id, jobId: JOB_ID, status: "running", progress: 0.1, message: "other workspace" });
    a.app.runtime.kernel.bus.publish("job.updated", { workspaceId: ws.id, jobId: JOB_ID, status: "running", progress: 0.5, message: "mine" });
    await sub.next(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(sub.received).toEqual([{ jobUpdated: { jobId: JOB_ID, status: "RUNNING", progress: 0.5, message: "mine" } }]);
    sub.dispose();
    await client.dispose();
  });

  it("should deliver an event published on another instance (LISTEN/NOTIFY)", async () => {
    const { client } = wsClient(b.url, ws.keys.analyst);
    const sub = collect<{ jobUpdated: { progress: number } }>(client, JOB_UPDATED, { id: JOB_ID });
    await new Promise((r) => setTimeout(r, 200));
    a.app.runtime.kernel.bus.publish("job.updated", { workspaceId: ws.id, jobId: JOB_ID, status: "running", progress: 0.75, message: null });
    await sub.next(1);
    expect(sub.received[0].jobUpdated.progress).toBe(0.75);
    sub.dispose();
    await client.dispose();
  });

  it("should not let a role without read access subscribe", async () => {
    const { client } = wsClient(a.url, ws.keys.ingest);
    const sub = collect(client, JOB_UPDATED, { id: JOB_ID });
    await new Promise((r) => setTimeout(r, 300));
    expect(sub.received).toEqual([]);
    expect(JSON.stringify(sub.errors)).toMatch(/FORBIDDEN/);
    await client.dispose();
  });
});

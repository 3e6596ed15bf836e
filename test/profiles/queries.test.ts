import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { collect, wsClient } from "../support/ws-client";
import { metricsRegistry } from "../../src/common/metrics";

const TRACK = `mutation($events: [EventInput!]!) { trackEvents(events: $events) { results { status profileId reasons { code } } } }`;
type Track = { trackEvents: { results: { status: string; profileId: string; reasons: { code: string }[] }[] } };

describe("profile queries, quarantine, custom types and subscriptions", () => {
  let a: TestApp;
  let b: TestApp;
  let ws: TestWorkspace;
  const track = async (events: unknown[], app = a) => (await app.gql<Track>(TRACK, { events }, ws.keys.ingest)).data!.trackEvents.results;

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestApp(), startTestApp()]);
    ws = await a.createWorkspace("queries");
  });
  afterAll(() => Promise.all([a.stop(), b.stop()]));

  it("should page a profile's events newest first, filtered by type", async () => {
    const [first] = await track(Array.from({ length: 5 }, (_, i) => ({ messageId: `pq-${i}`, type: i % 2 ? "search" : "page_view", userId: "pager", occurredAt: new Date(Date.now() - (10 - i) * 60_000).toISOString(), properties: i % 2 ? { query: `q${i}` } : {} })));
    const Q = `query($id: ID!, $after: String) { profile(id: $id) { events(first: 2, after: $after, types: ["page_view"]) { edges { node { messageId type } } pageInfo { hasNextPage endCursor } } } }`;
    type Page = { profile: { events: { edges: { node: { messageId: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } };
    const p1 = (await a.gql<Page>(Q, { id: first.profileId }, ws.keys.analyst)).data!.profile.events;
    expect(p1.edges.map((e) => e.node.messageId)).toEqual(["pq-4", "pq-2"]);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = (await a.gql<Page>(Q, { id: first.profileId, after: p1.pageInfo.endCursor }, ws.keys.analyst)).data!.profile.events;
    expect(p2.edges.map((e) => e.node.messageId)).toEqual(["pq-0"]);
    expect(p2.pageInfo.hasNextPage).toBe(false);
    const byId = await a.gql<{ profileByIdentifier: { id: string } }>(`{ profileByIdentifier(type: "user_id", value: "pager") { id } }`, {}, ws.keys.analyst);
    expect(byId.data!.profileByIdentifier.id).toBe(first.profileId);
    const list = await a.gql<{ profiles: { edges: { node: { id: string; known: boolean } }[] } }>(`{ profiles(first: 10, filter: { known: true }) { edges { node { id known } } } }`, {}, ws.keys.analyst);
    expect(list.data!.profiles.edges.map((e) => e.node.id)).toContain(first.profileId);
  });

  it("should list quarantined events filtered by reason and count reasons in /metrics", async () => {
    const before = await metricsRegistry.getSingleMetric("kindred_events_rejected_total")!.get();
    const count = (m: typeof before, reason: string) => m.values.find((v) => v.labels.reason === reason)?.value ?? 0;
    await track([{ messageId: "q-1", type: "page_view", userId: "q", occurredAt: "2000-01-01T00:00:00Z" }, { messageId: "q-2", type: "purchase", userId: "q", properties: { orderId: "x", lineItems: [], currency: "ZZZ" } }]);
    const res = await a.gql<{ rejectedEvents: { edges: { node: { messageId: string; reasons: { path: string; code: string }[]; payload: { messageId: string } } }[] } }>(
      `{ rejectedEvents(first: 10, filter: { reason: "timestamp_too_old" }) { edges { node { messageId reasons { path code } payload } } } }`, {}, ws.keys.analyst);
    expect(res.data!.rejectedEvents.edges.map((e) => e.node.messageId)).toEqual(["q-1"]);
    expect(res.data!.rejectedEvents.edges[0].node.reasons).toEqual([{ path: "occurredAt", code: "timestamp_too_old" }]);
    const after = await metricsRegistry.getSingleMetric("kindred_events_rejected_total")!.get();
    expect(count(after, "timestamp_too_old") - count(before, "timestamp_too_old")).toBe(1);
    expect(count(after, "unknown_currency") - count(before, "unknown_currency")).toBe(1);
    const text = await (await fetch(`${a.baseUrl}/metrics`)).text();
    expect(text).toMatch(/kindred_events_rejected_total\{reason="unknown_currency"\} \d+/);
  });

  it("should validate a registered custom type's properties", async () => {
    const reg = await a.gql(`mutation { registerEventType(input: { name: "video_watched", properties: { videoId: { type: "string", required: true }, seconds: { type: "number" } } }) { eventType { name properties } } }`, {}, ws.keys.editor);
    expect(reg.errors).toBeUndefined();
    const bad = await a.gql(`mutation { registerEventType(input: { name: "Bad Name", properties: { x: { type: "blob" } } }) { eventType { name } } }`, {}, ws.keys.editor);
    expect(JSON.stringify(bad.errors![0].extensions)).toMatch(/input.name.*input.properties.x.type|input.properties.x.type.*input.name/s);
    const out = await track([
      { messageId: "v-1", type: "video_watched", userId: "viewer", properties: { videoId: "v", seconds: 12 } },
      { messageId: "v-2", type: "video_watched", userId: "viewer", properties: { seconds: "long" } },
    ]);
    expect(out.map((r) => r.status)).toEqual(["ACCEPTED", "REJECTED"]);
    expect(out[1].reasons.map((r) => r.code).sort()).toEqual(["invalid_type", "required"]);
  });

  it("should push profileUpdated to a subscriber on another instance when events arrive", async () => {
    const [first] = await track([{ messageId: "sub-0", type: "page_view", userId: "watched" }]);
    const { client } = wsClient(b.url, ws.keys.analyst);
    const sub = collect<{ profileUpdated: { profileId: string; changed: string[] } }>(client, `subscription($id: ID!) { profileUpdated(profileId: $id) { profileId changed } }`, { id: first.profileId });
    await new Promise((r) => setTimeout(r, 300));
    await track([{ messageId: "sub-1", type: "page_view", userId: "watched" }]);
    await sub.next(1);
    expect(sub.received[0].profileUpdated).toEqual({ profileId: first.profileId, changed: ["events", "computed"] });
    sub.dispose();
    await client.dispose();
  });
});

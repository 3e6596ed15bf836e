import { PROFILE_HOOKS, type ProfileChange } from "../../src/profiles/profile-hooks";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";

const TRACK = `mutation($events: [EventInput!]!) { trackEvents(events: $events) { accepted duplicates rejected results { index messageId status eventId profileId reasons { path code message } warnings { path code } } } }`;
type Result = { index: number; status: string; eventId: string | null; profileId: string | null; reasons: { path: string; code: string }[]; warnings: { path: string; code: string }[] };
type Track = { trackEvents: { accepted: number; duplicates: number; rejected: number; results: Result[] } };

describe("trackEvents", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  const track = async (events: unknown[], key = ws.keys.ingest) => {
    const res = await t.gql<Track>(TRACK, { events }, key);
    expect(res.errors).toBeUndefined();
    return res.data!.trackEvents;
  };
  const now = () => new Date().toISOString();

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("track");
  });
  afterAll(() => t.stop());

  it("should accept valid events and reject each bad one with every reason when a batch is mixed", async () => {
    const out = await track([
      { messageId: "m1", type: "page_view", anonymousId: "a1", occurredAt: now(), properties: { url: "https://x.test/" } },
      { messageId: "m2", type: "purchase", userId: "u1", properties: { orderId: "o1", lineItems: [{ itemId: "i1", quantity: -2, price: 5 }, { itemId: "i2", quantity: 1, price: 2_000_000 }], currency: "XXQ" } },
      { messageId: "m3", type: "page_view", occurredAt: "2099-01-01T00:00:00Z" },
      { type: "nonsense", userId: "u2" },
    ]);
    expect(out.results.map((r) => r.status)).toEqual(["ACCEPTED", "REJECTED", "REJECTED", "REJECTED"]);
    const codes = (i: number) => out.results[i].reasons.map((r) => `${r.path}:${r.code}`).sort();
    expect(codes(1)).toEqual(["properties.currency:unknown_currency", "properties.lineItems[0].quantity:negative_value", "properties.lineItems[1].price:absurd_value"]);
    expect(codes(2)).toEqual(["occurredAt:timestamp_in_future", "userId:missing_identifier"]);
    expect(codes(3)).toEqual(["messageId:required", "type:unknown_event_type"]);
    expect(out.results[0].eventId).toBeTruthy();
    expect(out.results[0].profileId).toBeTruthy();
  });

  it("should answer DUPLICATE for stored events and store the rest when a half-failed batch is retried", async () => {
    const batch: Record<string, unknown>[] = [
      { messageId: "r1", type: "page_view", userId: "retry-user" },
      { messageId: "r2", type: "page_view", userId: "retry-user", occurredAt: "not a date" },
      { messageId: "r3", type: "search", userId: "retry-user", properties: { query: "shoes" } },
    ];
    const first = await track(batch);
    expect(first.results.map((r) => r.status)).toEqual(["ACCEPTED", "REJECTED", "ACCEPTED"]);
    batch[1] = { ...batch[1], occurredAt: now() };
    const second = await track(batch);
    expect(second.results.map((r) => r.status)).toEqual(["DUPLICATE", "ACCEPTED", "DUPLICATE"]);
    expect(second.results[0].eventId).toBe(first.results[0].eventId);
    const db = t.app.runtime.kernel.dataSource;
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM events WHERE workspace_id = $1 AND message_id = ANY($2)`, [ws.id, ["r1", "r2", "r3"]]);
    expect(n).toBe(3);
    const [{ c }] = await db.query(`SELECT (computed->>'eventCounts1d')::jsonb AS c FROM profiles WHERE id = $1`, [first.results[0].profileId]);
    expect(c).toEqual({ page_view: 2, search: 1 });
  });

  it("should treat a repeated messageId inside one batch as DUPLICATE", async () => {
    const out = await track([
      { messageId: "same", type: "page_view", anonymousId: "dupe" },
      { messageId: "same", type: "page_view", anonymousId: "dupe" },
    ]);
    expect(out.results.map((r) => r.status)).toEqual(["ACCEPTED", "DUPLICATE"]);
    expect(out.results[1].eventId).toBe(out.results[0].eventId);
  });

  it("should store a batch once and answer DUPLICATE to its copy when both arrive at the same time", async () => {
    const batch = Array.from({ length: 20 }, (_, i) => ({ messageId: `twin-${i}`, type: "page_view", userId: `twin-user-${i % 3}`, properties: { url: "https://x.test/" } }));
    const outs = await Promise.all([track(batch), track(batch), track(batch)]);
    for (let i = 0; i < batch.length; i++) {
      const statuses = outs.map((o) => o.results[i].status).sort();
      expect(statuses).toEqual(["ACCEPTED", "DUPLICATE", "DUPLICATE"]);
      expect(new Set(outs.map((o) => o.results[i].eventId)).size).toBe(1);
    }
    const db = t.app.runtime.kernel.dataSource;
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM events WHERE workspace_id = $1 AND message_id LIKE 'twin-%'`, [ws.id]);
    expect(n).toBe(20);
    const rows: { c: Record<string, number> }[] = await db.query(`SELECT computed->'eventCounts1d' AS c FROM profiles p JOIN profile_identifiers i ON i.profile_id = p.id WHERE i.workspace_id = $1 AND i.value LIKE 'twin-user-%'`, [ws.id]);
    expect(rows.map((r) => r.c.page_view).sort()).toEqual([6, 7, 7]);
  });

  it("should flag unknown item ids without rejecting the event", async () => {
    const out = await track([{ messageId: "pv-unknown", type: "product_view", userId: "flag", properties: { itemId: "nope" } }]);
    expect(out.results[0].status).toBe("ACCEPTED");
    expect(out.results[0].warnings).toEqual([{ path: "properties.itemId", code: "unknown_item" }]);
  });

  it("should tell profile hooks the causing event and the computed traits that changed when events arrive", async () => {
    const seen: ProfileChange[] = [];
    t.app.runtime.registry.get(PROFILE_HOOKS).register("track-test", async (changes) => void seen.push(...changes.filter((c) => c.workspaceId === ws.id)));
    const one = await track([{ messageId: "hook-1", type: "email_delivered", userId: "hook-user", properties: { campaignId: "c" } }]);
    const change = seen.find((c) => c.profileId === one.results[0].profileId)!;
    expect(change.eventId).toBe(one.results[0].eventId);
    expect(change.traitNames).toEqual(expect.arrayContaining(["emailsDelivered", "eventCounts1d", "lastSeenAt"]));
    seen.length = 0;
    const two = await track([
      { messageId: "hook-2", type: "email_delivered", userId: "hook-user", properties: { campaignId: "c" } },
      { messageId: "hook-3", type: "page_view", userId: "hook-other", properties: { url: "https://x.test/" } },
    ]);
    const mine = seen.find((c) => c.profileId === two.results[0].profileId)!;
    expect(mine.eventId).toBeUndefined(); // two profiles changed: no single causing event
    expect(mine.traitNames).toContain("emailsDelivered");
    expect(mine.traitNames).not.toContain("purchaseCount");
  });

  it("should give events time-ordered ids (UUID version 7) that the primary-key index takes in order", async () => {
    const before = Date.now();
    const first = await track([{ messageId: "v7-a", type: "page_view", userId: "v7-user" }]);
    await new Promise((r) => setTimeout(r, 5));
    const second = await track([{ messageId: "v7-b", type: "page_view", userId: "v7-user" }]);
    const [a, b] = [first.results[0].eventId!, second.results[0].eventId!];
    for (const id of [a, b]) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const millis = (id: string) => parseInt(id.replace(/-/g, "").slice(0, 12), 16);
    expect(millis(a)).toBeGreaterThanOrEqual(before - 1000); // the database's clock, the same machine
    expect(millis(a)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(millis(b)).toBeGreaterThan(millis(a));
    expect(b > a).toBe(true);
  });

  it("should be FORBIDDEN for an analyst key", async () => {
    const res = await t.gql(TRACK, { events: [] }, ws.keys.analyst);
    expect(res.errors![0].extensions!.code).toBe("FORBIDDEN");
  });
});

import { randomUUID } from "node:crypto";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { collect, wsClient } from "../support/ws-client";
import { createSegment } from "./fixtures";

describe("segment subscriptions across instances", () => {
  let a: TestApp;
  let b: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    [a, b] = await Promise.all([startTestApp(), startTestApp()]);
    ws = await a.createWorkspace("seg-ws");
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
  });

  it("should deliver membership and size changes on instance B when an event arrives through instance A", async () => {
    const seg = await createSegment(a, ws.keys.editor, "Viewed checkout", { event: { type: "page_view", where: [{ property: "path", op: "EQ", value: "/checkout" }] } });
    const { client } = wsClient(b.url, ws.keys.analyst);
    const other = await a.createWorkspace("seg-ws-other");
    const { client: outsider } = wsClient(b.url, other.keys.admin);
    try {
      const changes = collect<{ segmentMembershipChanged: { profileId: string; change: string; eventId: string | null; segmentId: string; profile: { id: string } } }>(
        client,
        `subscription($id: ID!) { segmentMembershipChanged(segmentId: $id) { segmentId profileId change at eventId profile { id known } } }`,
        { id: seg.id },
      );
      const sizes = collect<{ segmentSizeChanged: { segmentId: string; size: number } }>(client, `subscription($ids: [ID!]!) { segmentSizeChanged(segmentIds: $ids) { segmentId size at } }`, { ids: [seg.id] });
      const foreign = collect(outsider, `subscription($id: ID!) { segmentMembershipChanged(segmentId: $id) { profileId } }`, { id: seg.id });
      await new Promise((r) => setTimeout(r, 300)); // subscriptions registered on B
      const tracked = await a.gql<{ trackEvents: { results: { profileId: string }[] } }>(
        `mutation($events: [EventInput!]!) { trackEvents(events: $events) { results { profileId status } } }`,
        { events: [{ messageId: randomUUID(), type: "page_view", userId: `u-${randomUUID()}`, properties: { path: "/checkout" } }] },
        ws.keys.ingest,
      );
      expect(tracked.errors).toBeUndefined();
      await changes.next(1);
      await sizes.next(1);
      expect(changes.received[0].segmentMembershipChanged).toMatchObject({ segmentId: seg.id, profileId: tracked.data!.trackEvents.results[0].profileId, change: "ENTERED" });
      expect(changes.received[0].segmentMembershipChanged.profile.id).toBe(changes.received[0].segmentMembershipChanged.profileId);
      expect(sizes.received[0].segmentSizeChanged).toEqual(expect.objectContaining({ segmentId: seg.id, size: 1 }));
      await new Promise((r) => setTimeout(r, 200));
      expect(foreign.received).toEqual([]);
      const ingestClient = wsClient(b.url, ws.keys.ingest).client;
      const denied = collect(ingestClient, `subscription($id: ID!) { segmentMembershipChanged(segmentId: $id) { profileId } }`, { id: seg.id });
      await new Promise((r) => setTimeout(r, 300));
      expect(JSON.stringify(denied.errors)).toContain("FORBIDDEN");
      await ingestClient.dispose();
    } finally {
      await client.dispose();
      await outsider.dispose();
    }
  });
});

import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { PROFILE_HOOKS } from "../../src/profiles/profile-hooks";
import { SEGMENTS, SEGMENT_MEMBERSHIPS } from "../../src/segments/segments.module";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { createSegment, hoursAgo, insertEvent, insertProfile } from "./fixtures";

describe("segment memberships kept current", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let ds: DataSource;
  const current = async (segmentId: string) =>
    ((await ds.query(`SELECT profile_id FROM segment_memberships WHERE workspace_id = $1 AND segment_id = $2 AND exited_at IS NULL ORDER BY profile_id`, [ws.id, segmentId])) as { profile_id: string }[]).map((r) => r.profile_id);

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("seg-members");
    ds = t.app.runtime.kernel.dataSource;
  });
  afterAll(() => t.stop());

  it("should add a profile in the same request path when an event arrives and drop it when its window expires", async () => {
    const p = await insertProfile(ds, ws.id, { name: "cart" });
    const seg = await createSegment(t, ws.keys.editor, "Cart in 24h", { event: { type: "add_to_cart", within: { hours: 24 } } });
    expect(seg.size).toBe(0);
    expect(seg.warnings.map((w) => w.code)).toContain("TINY_SEGMENT");
    const at = hoursAgo(1);
    const eventId = await insertEvent(ds, ws.id, p, "add_to_cart", at);
    await t.app.runtime.registry.get(PROFILE_HOOKS).run([{ workspaceId: ws.id, profileId: p, changed: ["events"], eventTypes: ["add_to_cart"], eventId }], ds.manager);
    expect(await current(seg.id)).toEqual([p]);
    const [row] = await ds.query(`SELECT event_id FROM segment_memberships WHERE segment_id = $1`, [seg.id]);
    expect(row.event_id).toBe(eventId);

    const memberships = t.app.runtime.registry.get(SEGMENT_MEMBERSHIPS);
    expect(await memberships.expireWindows(new Date(at.getTime() + 23 * 3_600_000), ws.id)).toBe(0);
    expect(await current(seg.id)).toEqual([p]);
    expect(await memberships.expireWindows(new Date(at.getTime() + 24 * 3_600_000 + 1000), ws.id)).toBe(1);
    expect(await current(seg.id)).toEqual([]);
    const res = await t.gql<{ segment: { size: number; sizeHistory: { edges: { node: { size: number } }[] } } }>(
      `query($id: ID!) { segment(id: $id) { size sizeHistory(first: 5) { edges { node { size at } } } } }`,
      { id: seg.id },
      ws.keys.analyst,
    );
    expect(res.data!.segment.size).toBe(0);
    expect(res.data!.segment.sizeHistory.edges.length).toBeGreaterThanOrEqual(1);
  });

  it("should skip segments that do not depend on what changed", async () => {
    const p = await insertProfile(ds, ws.id, { name: "skip", tier: "gold" });
    const seg = await createSegment(t, ws.keys.editor, "Gold tier", { trait: { name: "tier", op: "EQ", value: "gold" } });
    expect(await current(seg.id)).toEqual([p]);
    await ds.query(`UPDATE profiles SET traits = traits || '{"tier":"silver"}' WHERE id = $1`, [p]);
    const hooks = t.app.runtime.registry.get(PROFILE_HOOKS);
    await hooks.run([{ workspaceId: ws.id, profileId: p, changed: ["events"], eventTypes: ["page_view"] }], ds.manager);
    expect(await current(seg.id)).toEqual([p]); // an event cannot change a trait rule
    await hooks.run([{ workspaceId: ws.id, profileId: p, changed: ["traits"], traitNames: ["tier"] }], ds.manager);
    expect(await current(seg.id)).toEqual([]);
  });

  it("should move a merged profile's memberships to the survivor keeping the earlier entry", async () => {
    const survivor = await insertProfile(ds, ws.id, { name: "survivor", club: "no" });
    const merged = await insertProfile(ds, ws.id, { name: "merged", club: "yes" });
    const seg = await createSegment(t, ws.keys.editor, "Club members", { trait: { name: "club", op: "EQ", value: "yes" } });
    const [{ entered_at: enteredAt }] = await ds.query(`SELECT entered_at FROM segment_memberships WHERE segment_id = $1 AND profile_id = $2`, [seg.id, merged]);
    await ds.query(`UPDATE profiles SET traits = traits || '{"club":"yes"}' WHERE id = $1`, [survivor]);
    await ds.query(`UPDATE profiles SET merged_into_id = $1 WHERE id = $2`, [survivor, merged]);
    await t.app.runtime.registry.get(PROFILE_HOOKS).run([{ workspaceId: ws.id, profileId: survivor, changed: ["merge", "traits"], mergedProfileId: merged }], ds.manager);
    expect(await current(seg.id)).toEqual([survivor]);
    const [row] = await ds.query(`SELECT entered_at FROM segment_memberships WHERE segment_id = $1 AND profile_id = $2 AND exited_at IS NULL`, [seg.id, survivor]);
    expect(row.entered_at).toEqual(enteredAt);
    const map = await t.app.runtime.registry.get(SEGMENTS).membershipsFor(ws.id, [survivor, merged]);
    expect(map.get(survivor)).toEqual([{ id: seg.id, name: "Club members", key: "club-members" }]);
    expect(map.get(merged)).toEqual([]);
  });

  it("should show membership through trackEvents in the same request, on profile.segments and segment.members", async () => {
    const seg = await createSegment(t, ws.keys.editor, "Viewed pricing", { event: { type: "page_view", where: [{ property: "path", op: "EQ", value: "/pricing" }] } });
    const userId = `u-${randomUUID()}`;
    const tracked = await t.gql<{ trackEvents: { results: { profileId: string; status: string }[] } }>(
      `mutation($events: [EventInput!]!) { trackEvents(events: $events) { results { profileId status } } }`,
      { events: [{ messageId: randomUUID(), type: "page_view", userId, properties: { path: "/pricing" } }] },
      ws.keys.ingest,
    );
    expect(tracked.errors).toBeUndefined();
    const profileId = tracked.data!.trackEvents.results[0].profileId;
    expect(await current(seg.id)).toEqual([profileId]);
    const res = await t.gql<{ segment: { members: { edges: { node: { profileId: string; profile: { id: string } } }[] } } }>(
      `query($id: ID!) { segment(id: $id) { members(first: 10) { edges { node { profileId enteredAt profile { id } } } } } }`,
      { id: seg.id },
      ws.keys.analyst,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.segment.members.edges.map((e) => e.node.profile.id)).toEqual([profileId]);
    expect(await t.app.runtime.registry.get(SEGMENTS).memberIds(ws.id, seg.id, 10)).toEqual([profileId]);
    const listed = await t.gql<{ profiles: { edges: { node: { id: string; segments: { id: string }[] } }[] } }>(`{ profiles(first: 50) { edges { node { id segments { id name key } } } } }`, {}, ws.keys.analyst);
    expect(listed.errors).toBeUndefined();
    const byId = new Map(listed.data!.profiles.edges.map((e) => [e.node.id, e.node.segments.map((s) => s.id)]));
    expect(byId.get(profileId)).toEqual([seg.id]);
  });

  it("should keep versions, refuse cycles on update and guard writes by role", async () => {
    await insertProfile(ds, ws.id, { name: "gold one", tier: "gold" });
    const a = await createSegment(t, ws.keys.editor, "Version A", { trait: { name: "tier", op: "EXISTS" } });
    const b = await createSegment(t, ws.keys.editor, "Version B", { segment: { id: a.id } });
    const cyc = await t.gql(`mutation($input: UpdateSegmentInput!) { updateSegment(input: $input) { segment { id } } }`, { input: { id: a.id, condition: { segment: { id: b.id } } } }, ws.keys.editor);
    expect(cyc.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(cyc.errors![0].extensions)).toContain("input.condition.segment.id");
    const upd = await t.gql<{ updateSegment: { segment: { version: number; versions: { version: number }[] } } }>(
      `mutation($input: UpdateSegmentInput!) { updateSegment(input: $input) { segment { version versions { version } } } }`,
      { input: { id: a.id, condition: { trait: { name: "tier", op: "EQ", value: "gold" } } } },
      ws.keys.admin,
    );
    expect(upd.data!.updateSegment.segment.versions.map((v) => v.version)).toEqual([2, 1]);
    const denied = await t.gql(`mutation($input: SegmentIdInput!) { archiveSegment(input: $input) { segment { id } } }`, { input: { id: a.id } }, ws.keys.analyst);
    expect(denied.errors![0].extensions!.code).toBe("FORBIDDEN");
    const inUse = await t.gql(`mutation($input: SegmentIdInput!) { archiveSegment(input: $input) { segment { id } } }`, { input: { id: a.id } }, ws.keys.editor);
    expect(inUse.errors![0].extensions!.code).toBe("CONFLICT");
    const other = await t.createWorkspace("seg-other");
    const foreign = await t.gql(`query($id: ID!) { segment(id: $id) { id } }`, { id: a.id }, other.keys.admin);
    expect(foreign.errors![0].extensions!.code).toBe("NOT_FOUND");
    const dup = await createSegment(t, ws.keys.editor, "Version B copy", { segment: { id: a.id } });
    expect(dup.warnings.map((w) => w.code)).toContain("NEAR_DUPLICATE");
  });

  it("should reject injection attempts through the API and leave the tables intact", async () => {
    const res = await t.gql(
      `query($c: SegmentConditionInput!) { segmentPreview(condition: $c) { count } }`,
      { c: { or: [{ trait: { name: "x'); DELETE FROM profiles; --", op: "EXISTS" } }, { trait: { name: "tier", op: "EQ", value: 1 } }] } },
      ws.keys.analyst,
    );
    expect(res.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
    const problems = (res.errors![0].extensions as { problems: { path: string }[] }).problems.map((p) => p.path);
    expect(problems).toEqual(["condition.or[0].trait.name", "condition.or[1].trait.value"]);
    const ok = await t.gql<{ segmentPreview: { count: number } }>(
      `query($c: SegmentConditionInput!) { segmentPreview(condition: $c) { count } }`,
      { c: { event: { type: "x' OR 1=1 --", where: [{ property: "path') IS NOT NULL OR ('a", op: "EQ", value: "' OR ''='" }] } } },
      ws.keys.analyst,
    );
    expect(ok.data!.segmentPreview.count).toBe(0);
    expect(Number((await ds.query(`SELECT count(*) FROM profiles WHERE workspace_id = $1`, [ws.id]))[0].count)).toBeGreaterThan(0);
  });
});

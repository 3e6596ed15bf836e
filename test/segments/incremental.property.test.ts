import fc from "fast-check";
import type { DataSource } from "typeorm";
import { PROFILE_HOOKS } from "../../src/profiles/profile-hooks";
import { TRAIT_DEFINITIONS } from "../../src/profiles/profiles.module";
import { SEGMENT_MEMBERSHIPS } from "../../src/segments/segments.module";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { createSegment, hoursAgo, insertEvent, insertProfile } from "./fixtures";

// Events sit half an hour off whole hours and windows are whole hours, so no event is on a window edge.
const eventAge = fc.integer({ min: 0, max: 80 }).map((h) => h + 0.5);
const leaf = fc.oneof(
  fc.record({ op: fc.constantFrom("GT", "LT"), value: fc.integer({ min: 0, max: 100 }) }).map((c) => ({ trait: { name: "age", ...c } })),
  fc.integer({ min: 0, max: 100 }).chain((lo) => fc.integer({ min: lo, max: 100 }).map((hi) => ({ trait: { name: "age", op: "BETWEEN", values: [lo, hi] } }))),
  fc.subarray(["a", "b", "c"], { minLength: 1 }).map((values) => ({ trait: { name: "plan", op: "IN", values } })),
  fc.constantFrom("x", "y").map((value) => ({ trait: { name: "tags", op: "CONTAINS", value } })),
  fc
    .record({
      type: fc.constantFrom("view", "buy"),
      count: fc.constantFrom("AT_LEAST", "AT_MOST", "EXACTLY"),
      times: fc.integer({ min: 0, max: 3 }),
      within: fc.option(fc.integer({ min: 1, max: 72 }).map((hours) => ({ hours })), { nil: undefined }),
      where: fc.option(fc.integer({ min: 0, max: 100 }).map((value) => [{ property: "amount", op: "GT", value }]), { nil: undefined }),
    })
    .map((event) => ({ event })),
);
const { condition } = fc.letrec<{ condition: unknown }>((tie) => ({
  condition: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("condition"), { minLength: 1, maxLength: 3 }).map((and) => ({ and })),
    fc.array(tie("condition"), { minLength: 1, maxLength: 3 }).map((or) => ({ or })),
    tie("condition").map((not) => ({ not })),
  ),
}));
const traits = fc.record({ age: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }), plan: fc.constantFrom("a", "b", "c"), tags: fc.subarray(["x", "y"]) });
const event = fc.record({ type: fc.constantFrom("view", "buy"), age: eventAge, amount: fc.integer({ min: 0, max: 100 }) });
const op = fc.oneof(
  fc.record({ kind: fc.constant("event" as const), profile: fc.nat(), event }),
  fc.record({ kind: fc.constant("trait" as const), profile: fc.nat(), age: fc.integer({ min: 0, max: 100 }) }),
);

describe("incremental membership", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let ds: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("seg-prop");
    ds = t.app.runtime.kernel.dataSource;
    await t.app.runtime.registry.get(TRAIT_DEFINITIONS).define(ws.id, [
      { name: "age", type: "number" },
      { name: "plan", type: "string" },
      { name: "tags", type: "list" },
    ]);
  });
  afterAll(() => t.stop());

  it("should equal a full recompute when random events and trait changes arrive one by one", async () => {
    const hooks = t.app.runtime.registry.get(PROFILE_HOOKS);
    const memberships = t.app.runtime.registry.get(SEGMENT_MEMBERSHIPS);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(condition, fc.array(fc.record({ traits, events: fc.array(event, { maxLength: 3 }) }), { minLength: 1, maxLength: 6 }), fc.array(op, { maxLength: 8 }), async (rule, people, ops) => {
        for (const table of ["segment_memberships", "segment_versions", "segment_size_history", "segments", "events", "profiles"]) await ds.query(`DELETE FROM ${table} WHERE workspace_id = $1`, [ws.id]);
        t.app.runtime.kernel.bus.publish("segment.definitionChanged", { workspaceId: ws.id, segmentId: "" });
        const ids: string[] = [];
        for (const person of people) {
          const id = await insertProfile(ds, ws.id, person.traits);
          ids.push(id);
          for (const e of person.events) await insertEvent(ds, ws.id, id, e.type, hoursAgo(e.age), { amount: e.amount });
        }
        const segment = await createSegment(t, ws.keys.editor, `Random ${run++}`, rule);
        for (const o of ops) {
          const profileId = ids[o.profile % ids.length];
          if (o.kind === "event") {
            await insertEvent(ds, ws.id, profileId, o.event.type, hoursAgo(o.event.age), { amount: o.event.amount });
            await hooks.run([{ workspaceId: ws.id, profileId, changed: ["events"], eventTypes: [o.event.type] }], ds.manager);
          } else {
            await ds.query(`UPDATE profiles SET traits = jsonb_set(traits, '{age}', to_jsonb($2::int)) WHERE id = $1`, [profileId, o.age]);
            await hooks.run([{ workspaceId: ws.id, profileId, changed: ["traits"], traitNames: ["age"] }], ds.manager);
          }
        }
        const incremental = await ds.query(`SELECT profile_id FROM segment_memberships WHERE segment_id = $1 AND exited_at IS NULL ORDER BY 1`, [segment.id]);
        const [{ member_count: stored }] = await ds.query(`SELECT member_count FROM segments WHERE id = $1`, [segment.id]);
        expect(stored).toBe(incremental.length);
        const full = await memberships.recompute(ws.id, segment.id);
        expect({ entered: full.entered, exited: full.exited }).toEqual({ entered: 0, exited: 0 });
        expect(full.size).toBe(incremental.length);
      }),
      { numRuns: 25, seed: 4242 },
    );
  });
});

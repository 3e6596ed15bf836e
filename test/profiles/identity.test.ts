import type { EntityManager } from "typeorm";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { EVENT_INGESTION } from "../../src/events/events.module";
import { PROFILES } from "../../src/profiles/profiles.module";
import { PROFILE_HOOKS, type ProfileChange } from "../../src/profiles/profile-hooks";

const IDENTIFY = `mutation($input: IdentifyInput!) { identify(input: $input) { profile { id known traits identifiers { type value } } } }`;
type Identify = { identify: { profile: { id: string; known: boolean; traits: Record<string, unknown>; identifiers: { type: string; value: string }[] } } };

describe("identity resolution", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  const hookCalls: ProfileChange[] = [];
  const identify = async (identifiers: Record<string, string>, traits?: Record<string, unknown>) => {
    const res = await t.gql<Identify>(IDENTIFY, { input: { identifiers, traits } }, ws.keys.ingest);
    expect(res.errors).toBeUndefined();
    return res.data!.identify.profile;
  };
  const db = () => t.app.runtime.kernel.dataSource;
  const ingest = (events: unknown[]) => t.app.runtime.registry.get(EVENT_INGESTION).ingest(ws.id, events);

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("identity");
    t.app.runtime.registry.get(PROFILE_HOOKS).register("test-recorder", async (changes) => void hookCalls.push(...changes));
  });
  afterAll(() => t.stop());

  it("should merge the anonymous profile into the known one when a login links them", async () => {
    const anon = await ingest([{ messageId: "an-1", type: "page_view", anonymousId: "anon-1" }, { messageId: "an-2", type: "product_view", anonymousId: "anon-1", properties: { itemId: "x" } }]);
    const known = await identify({ user_id: "known-1" }, { name: "Ada" });
    const anonId = anon[0].profileId!;
    const linked = await identify({ user_id: "known-1", anonymous_id: "anon-1" });
    expect(linked.id).toBe(known.id);
    expect(linked.identifiers.map((i) => i.type).sort()).toEqual(["anonymous_id", "user_id"]);
    expect(await t.app.runtime.registry.get(PROFILES).resolveId(ws.id, anonId)).toBe(known.id);
    const [{ n }] = await db().query(`SELECT count(*)::int n FROM events WHERE workspace_id = $1 AND profile_id = $2`, [ws.id, known.id]);
    expect(n).toBe(2);
    const [{ c }] = await db().query(`SELECT computed FROM profiles WHERE id = $1`, [known.id]).then((r: { computed: Record<string, unknown> }[]) => r.map((x) => ({ c: x.computed })));
    expect(c.recentlyViewed).toEqual(["x"]);
    expect(hookCalls.some((h) => h.changed.includes("merge") && h.mergedProfileId === anonId && h.profileId === known.id)).toBe(true);
    const merges = await db().query(`SELECT from_profile_id, into_profile_id FROM profile_merges WHERE workspace_id = $1`, [ws.id]);
    expect(merges).toEqual([{ from_profile_id: anonId, into_profile_id: known.id }]);
  });

  it("should keep the newer non-null trait when two known profiles with conflicting traits merge", async () => {
    const a = await identify({ user_id: "conf-a" }, { plan: "free", city: "Paris", phone: "1" });
    await new Promise((r) => setTimeout(r, 20));
    const b = await identify({ email: "Conf@Example.com" }, { plan: "pro", city: null });
    const merged = await identify({ user_id: "conf-a", email: "conf@example.com" });
    expect(merged.id).toBe(a.id); // both known: the older survives
    expect(merged.traits).toEqual({ plan: "pro", city: "Paris", phone: "1" });
    const viaB = await t.gql<{ profile: { id: string } }>(`query($id: ID!) { profile(id: $id) { id } }`, { id: b.id }, ws.keys.analyst);
    expect(viaB.data!.profile.id).toBe(a.id);
  });

  it("should resolve every id of a chain of merges to the last survivor", async () => {
    const p1 = await identify({ anonymous_id: "chain-1" });
    const p2 = await identify({ anonymous_id: "chain-2" });
    const p3 = await identify({ anonymous_id: "chain-3" });
    await identify({ anonymous_id: "chain-1", device_id: "chain-d" });
    await identify({ anonymous_id: "chain-2", device_id: "chain-d" });
    const last = await identify({ anonymous_id: "chain-3", user_id: "chain-user" });
    await identify({ anonymous_id: "chain-2", user_id: "chain-user" });
    const profiles = t.app.runtime.registry.get(PROFILES);
    const resolved = await Promise.all([p1.id, p2.id, p3.id].map((id) => profiles.resolveId(ws.id, id)));
    expect(new Set(resolved)).toEqual(new Set([last.id]));
    const many = await profiles.getMany(ws.id, [p1.id, p3.id, "00000000-0000-4000-8000-000000000000"]);
    expect(many.map((p) => p?.id ?? null)).toEqual([last.id, last.id, null]);
    const [{ n }] = await db().query(`SELECT count(*)::int n FROM profiles WHERE workspace_id = $1 AND merged_into_id = $2`, [ws.id, last.id]);
    expect(n).toBe(2);
  });

  it("should create exactly one profile when twenty parallel requests bring one new identifier", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => ingest([{ messageId: `par-${i}`, type: "page_view", anonymousId: "brand-new" }])),
    );
    const ids = new Set(results.map((r) => r[0].profileId));
    expect(ids.size).toBe(1);
    const [{ n }] = await db().query(
      `SELECT count(*)::int n FROM profiles p WHERE workspace_id = $1 AND EXISTS (SELECT 1 FROM profile_identifiers i WHERE i.profile_id = p.id AND i.value = 'brand-new')`,
      [ws.id],
    );
    expect(n).toBe(1);
    const [{ e }] = await db().query(`SELECT count(*)::int e FROM events WHERE workspace_id = $1 AND message_id LIKE 'par-%'`, [ws.id]);
    expect(e).toBe(20);
  });

  it("should lose no event when a merge races with ingestion", async () => {
    await identify({ user_id: "race-user" });
    const batches = Array.from({ length: 8 }, (_, b) => Array.from({ length: 25 }, (_, i) => ({ messageId: `race-${b}-${i}`, type: "page_view", anonymousId: `race-anon-${i % 5}` })));
    const merges = Array.from({ length: 5 }, (_, i) => identify({ user_id: "race-user", anonymous_id: `race-anon-${i}` }));
    await Promise.all([...batches.map((b) => ingest(b)), ...merges]);
    const survivor = await t.app.runtime.registry.get(PROFILES).findByIdentifier(ws.id, "user_id", "race-user");
    const [{ n }] = await db().query(`SELECT count(*)::int n FROM events WHERE workspace_id = $1 AND message_id LIKE 'race-%' AND profile_id = $2`, [ws.id, survivor!.id]);
    expect(n).toBe(200);
    const [{ c }] = await db().query(`SELECT (computed->'eventCounts1d'->>'page_view')::int c FROM profiles WHERE id = $1`, [survivor!.id]);
    expect(c).toBe(200);
  });

  /** Runs `work` in a transaction and holds it open (its row locks taken) until `release` is called; `committed` settles after. */
  const hold = async <T>(work: (m: EntityManager) => Promise<T>) => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let result!: T;
    let committed!: Promise<void>;
    await new Promise<void>((ready, fail) => {
      committed = db().transaction(async (m) => {
        result = await work(m);
        ready();
        await held;
      });
      committed.catch(fail);
    });
    return { result, release, committed };
  };
  const holdMerge = (ids: string[]) => hold((m) => t.app.runtime.registry.get(PROFILES).identity.merge(m, ws.id, ids));
  /** What an erasure does to a profile (its identifiers and row deleted), held uncommitted. */
  const holdErasure = (profileId: string) =>
    hold(async (m) => {
      await m.query(`DELETE FROM profile_identifiers WHERE profile_id = $1`, [profileId]);
      await m.query(`DELETE FROM profiles WHERE id = $1`, [profileId]);
    });
  /** Sends `request` while `held` is uncommitted, gives it time to reach the held rows, then commits `held`. */
  const whileHeld = async <T>(held: { release: () => void; committed: Promise<void> }, request: () => Promise<T>) => {
    const answer = request();
    await new Promise((r) => setTimeout(r, 200));
    held.release();
    await held.committed;
    return answer;
  };
  /** An identifier whose profile is gone (left by a race before identity checked for deleted profiles). */
  const plantOrphan = (value: string, profileId: string) =>
    db().query(`INSERT INTO profile_identifiers (workspace_id, type, value, profile_id) VALUES ($1, 'anonymous_id', $2, $3)`, [ws.id, t.app.runtime.registry.get(PROFILES).identity.codec.storedValue(ws.id, "anonymous_id", value), profileId]);
  const ownerOf = async (type: string, value: string) => {
    const codec = t.app.runtime.registry.get(PROFILES).identity.codec;
    const rows: { profile_id: string; merged_into_id: string | null }[] = await db().query(
      `SELECT i.profile_id, p.merged_into_id FROM profile_identifiers i JOIN profiles p ON p.id = i.profile_id WHERE i.workspace_id = $1 AND i.type = $2 AND i.value = $3`,
      [ws.id, type, codec.storedValue(ws.id, type, value)],
    );
    return rows[0];
  };

  it("should attach an identifier to the survivor when its profile merges meanwhile", async () => {
    const anon = await identify({ anonymous_id: "mid-merge-anon" });
    const known = await identify({ user_id: "mid-merge-user" });
    const merge = await holdMerge([anon.id, known.id]);
    expect(merge.result.survivor).toBe(known.id);
    // Sent while the merge is uncommitted: identity still reads the anonymous id's old owner.
    const attached = await whileHeld(merge, () => identify({ anonymous_id: "mid-merge-anon", email: "mid-merge@example.com" }));
    expect(attached.id).toBe(known.id);
    expect(await ownerOf("email", "mid-merge@example.com")).toEqual({ profile_id: known.id, merged_into_id: null });
  });

  it("should give identifiers a profile of their own when the profile they were joining is deleted meanwhile", async () => {
    const anon = await identify({ anonymous_id: "gone-anon" });
    const profile = await whileHeld(await holdErasure(anon.id), () => identify({ anonymous_id: "gone-anon", email: "gone@example.com" }));
    expect(profile.id).not.toBe(anon.id);
    expect(await ownerOf("email", "gone@example.com")).toEqual({ profile_id: profile.id, merged_into_id: null });
    expect(await ownerOf("anonymous_id", "gone-anon")).toEqual({ profile_id: profile.id, merged_into_id: null });
  });

  it("should give identifiers a new profile when an identifier they come with names a profile that no longer exists", async () => {
    await plantOrphan("orphan-anon", "00000000-0000-4000-8000-00000000dead");
    const profile = await identify({ anonymous_id: "orphan-anon", email: "orphan@example.com" });
    expect(await ownerOf("anonymous_id", "orphan-anon")).toEqual({ profile_id: profile.id, merged_into_id: null });
    expect(await ownerOf("email", "orphan@example.com")).toEqual({ profile_id: profile.id, merged_into_id: null });
    // Events naming only such an identifier: the first is not stored, the orphan is dropped, the next gets a profile.
    await plantOrphan("orphan-events", "00000000-0000-4000-8000-00000000beef");
    const [first] = await ingest([{ messageId: "orphan-ev-1", type: "page_view", anonymousId: "orphan-events" }]);
    expect(first.warnings.map((w) => w.code)).toEqual(["not_stored_profile_erased"]);
    const [second] = await ingest([{ messageId: "orphan-ev-2", type: "page_view", anonymousId: "orphan-events" }]);
    expect(second).toMatchObject({ status: "ACCEPTED", warnings: [] });
    expect(await ownerOf("anonymous_id", "orphan-events")).toEqual({ profile_id: second.profileId, merged_into_id: null });
  });

  it("should not store events resolved to a profile that is deleted before they are written", async () => {
    const anon = await identify({ anonymous_id: "gone-events" });
    // Identity still reads the old owner; the write waits for the profile's lock.
    const [result] = await whileHeld(await holdErasure(anon.id), () => ingest([{ messageId: "gone-ev-1", type: "page_view", anonymousId: "gone-events" }]));
    expect(result).toMatchObject({ status: "ACCEPTED", eventId: null, profileId: null, warnings: [expect.objectContaining({ code: "not_stored_profile_erased" })] });
    const [{ n }] = await db().query(`SELECT count(*)::int n FROM events WHERE workspace_id = $1 AND message_id = 'gone-ev-1'`, [ws.id]);
    expect(n).toBe(0);
  });

  it("should write identify() traits to the survivor when the profile merges meanwhile", async () => {
    const anon = await identify({ anonymous_id: "trait-merge-anon" });
    const known = await identify({ user_id: "trait-merge-user" }, { plan: "free" });
    const merge = await holdMerge([anon.id, known.id]);
    const profile = await whileHeld(merge, () => identify({ anonymous_id: "trait-merge-anon" }, { plan: "gold" }));
    expect(profile.id).toBe(known.id);
    expect(profile.traits.plan).toBe("gold");
    const [{ traits }] = await db().query(`SELECT traits FROM profiles WHERE id = $1`, [anon.id]);
    expect(traits.plan).toBeUndefined();
  });

  it("should reject traits that do not match their declared type, naming the path", async () => {
    await t.gql(`mutation { defineTraits(input: { traits: [{ name: "age", type: "number" }] }) { traits { name } } }`, {}, ws.keys.admin);
    const res = await t.gql(IDENTIFY, { input: { identifiers: { user_id: "typed" }, traits: { age: "old" } } }, ws.keys.ingest);
    expect(res.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(res.errors![0].extensions)).toContain("input.traits.age");
  });

  it("should not find another workspace's profile", async () => {
    const other = await t.createWorkspace("identity-other");
    const p = await identify({ user_id: "isolated" });
    const res = await t.gql<{ profile: unknown }>(`query($id: ID!) { profile(id: $id) { id } }`, { id: p.id }, other.keys.analyst);
    expect(res.data!.profile).toBeNull();
  });
});

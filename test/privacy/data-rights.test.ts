import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { track, waitForJob } from "./support";

const EXPORT = `query($id: ID!) { exportProfileData(profileId: $id) { profileId exportedAt document } }`;
const ERASE = `mutation($id: ID!) { eraseProfile(input: { profileId: $id }) { jobId profileId } }`;
const SET = `mutation($input: SetRetentionPolicyInput!) { setRetentionPolicy(input: $input) { policies { eventType maxAgeDays } } }`;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the export document is checked section by section
type Doc = { format: string; profileId: string; profileIds: string[]; coverage: Record<string, string[]>; data: Record<string, any> };

// One server with a job worker for the whole file.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ KINDRED_RUN_WORKER: "true" });
});
afterAll(() => t.stop());

describe("data-subject rights", () => {
  let a: TestWorkspace;
  let b: TestWorkspace;
  const db = () => t.app.runtime.kernel.dataSource;
  const count = async (sql: string, params: unknown[]) => (await db().query(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n as number;

  // A person seen first anonymously, then identified (two profiles merged), with consent,
  // a segment membership and an experiment exposure.
  async function person(ws: TestWorkspace, tag: string) {
    const anon = await track(t, ws.keys.ingest, [{ messageId: `${tag}-a1`, type: "page_view", anonymousId: `anon-${tag}`, properties: { url: "https://shop.test/x" } }]);
    const user = await track(t, ws.keys.ingest, [{ messageId: `${tag}-u1`, type: "page_view", userId: `user-${tag}`, email: `${tag}@example.com` }]);
    const merged = await t.gql<{ identify: { profile: { id: string } } }>(`mutation($i: JSONObject!) { identify(input: { identifiers: $i, traits: { firstName: "Ada" } }) { profile { id } } }`, { i: { anonymous_id: `anon-${tag}`, user_id: `user-${tag}` } }, ws.keys.ingest);
    expect(merged.errors).toBeUndefined();
    const id = merged.data!.identify.profile.id;
    expect(new Set([anon.results[0].profileId, user.results[0].profileId]).has(id)).toBe(true);
    const consent = await t.gql(`mutation($id: ID!) { setConsent(input: { profileId: $id, decisions: [{ purpose: EMAIL_MARKETING, status: GRANTED }] }) { profileId } }`, { id }, ws.keys.admin);
    expect(consent.errors).toBeUndefined();
    // Rows of other modules' tables, as those modules write them.
    await db().query(`INSERT INTO segment_memberships (workspace_id, segment_id, profile_id, entered_at) VALUES ($1, gen_random_uuid(), $2, now())`, [ws.id, id]);
    await db().query(`INSERT INTO experiment_exposures (workspace_id, campaign_id, profile_id, experiment_id, variant_key, template_version, exposed_at) VALUES ($1, gen_random_uuid(), $2, gen_random_uuid(), 'B', 'v1', now())`, [ws.id, id]);
    return { id, ids: [anon.results[0].profileId!, user.results[0].profileId!] };
  }

  beforeAll(async () => {
    a = await t.createWorkspace("rights-a");
    b = await t.createWorkspace("rights-b");
  });

  it("should export everything held about a person as one document when asked by an admin", async () => {
    const p = await person(a, "exp");
    const res = await t.gql<{ exportProfileData: { profileId: string; document: Doc } }>(EXPORT, { id: p.ids[0] }, a.keys.admin);
    expect(res.errors).toBeUndefined();
    const doc = res.data!.exportProfileData.document;
    expect(doc.format).toBe("kindred.profile-export/v1");
    expect(doc.profileId).toBe(p.id);
    expect(new Set(doc.profileIds)).toEqual(new Set(p.ids));
    expect(doc.data.profile.profile.traits).toMatchObject({ firstName: "Ada" });
    expect(doc.data.identifiers.map((i: { type: string; value: string }) => `${i.type}=${i.value}`).sort()).toEqual(["anonymous_id=anon-exp", "email=exp@example.com", "user_id=user-exp"]);
    expect(doc.data.events.map((e: { messageId: string }) => e.messageId).sort()).toEqual(["exp-a1", "exp-u1"]);
    expect(doc.data.consent.current).toEqual([expect.objectContaining({ purpose: "email_marketing", status: "GRANTED" })]);
    expect(doc.data.segments).toHaveLength(1);
    expect(doc.data.experiments.exposures).toEqual([expect.objectContaining({ variantKey: "B" })]);
    expect(Object.keys(doc.coverage)).toEqual(expect.arrayContaining(["profile", "identifiers", "events", "consent", "segments", "experiments"]));
    expect(JSON.stringify(doc.data)).not.toContain(a.id);
    const audit = await count(`audit_log WHERE workspace_id = $1 AND 'exportProfileData' = ANY(fields) AND personal_data AND $2 = ANY(target_ids)`, [a.id, p.ids[0]]);
    expect(audit).toBe(1);
  });

  it("should refuse export and erasure when the caller is not an admin or the profile is another workspace's", async () => {
    const p = await person(a, "iso");
    for (const role of ["editor", "analyst", "ingest", "renderer"] as const) {
      expect((await t.gql(EXPORT, { id: p.id }, a.keys[role])).errors![0].extensions!.code).toBe("FORBIDDEN");
      expect((await t.gql(ERASE, { id: p.id }, a.keys[role])).errors![0].extensions!.code).toBe("FORBIDDEN");
    }
    expect((await t.gql(EXPORT, { id: p.id }, b.keys.admin)).errors![0].extensions!.code).toBe("NOT_FOUND");
    expect((await t.gql(ERASE, { id: p.id }, b.keys.admin)).errors![0].extensions!.code).toBe("NOT_FOUND");
    expect((await t.gql(EXPORT, { id: "nope" }, a.keys.admin)).errors![0].extensions!.problems).toEqual([{ path: "profileId", message: expect.any(String) }]);
  });

  it("should erase a person across every table as an audited job and keep only keyed hashes of identifiers", async () => {
    const p = await person(a, "era");
    const res = await t.gql<{ eraseProfile: { jobId: string; profileId: string } }>(ERASE, { id: p.ids[1] }, a.keys.admin);
    expect(res.errors).toBeUndefined();
    expect(res.data!.eraseProfile.profileId).toBe(p.id);
    const job = await waitForJob(t, a.keys.admin, res.data!.eraseProfile.jobId);
    expect(job).toMatchObject({ status: "SUCCEEDED", error: null });
    const ids = p.ids;
    for (const [table, column] of [["profiles", "id"], ["profile_identifiers", "profile_id"], ["events", "profile_id"], ["consents", "profile_id"], ["consent_records", "profile_id"], ["segment_memberships", "profile_id"], ["experiment_exposures", "profile_id"]]) {
      expect([table, await count(`${table} WHERE workspace_id = $1 AND ${column} = ANY($2::uuid[])`, [a.id, ids])]).toEqual([table, 0]);
    }
    expect(await count(`profile_merges WHERE workspace_id = $1 AND (from_profile_id = ANY($2::uuid[]) OR into_profile_id = ANY($2::uuid[]))`, [a.id, ids])).toBe(0);
    const tombs: { token: string }[] = await db().query(`SELECT token FROM erased_identifiers WHERE workspace_id = $1`, [a.id]);
    expect(tombs.length).toBe(3);
    for (const tomb of tombs) expect(tomb.token).toMatch(/^b1\.[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(tombs)).not.toMatch(/era|example/);
    const proof = await db().query(`SELECT role, operation_type, operation_name, target_ids FROM audit_log WHERE workspace_id = $1 AND operation_type = 'job' AND $2 = ANY(target_ids)`, [a.id, p.id]);
    expect(proof).toEqual([{ role: "admin", operation_type: "job", operation_name: "eraseProfile", target_ids: expect.arrayContaining(ids) }]);
    expect((await t.gql(EXPORT, { id: p.id }, a.keys.admin)).errors![0].extensions!.code).toBe("NOT_FOUND");
  });

  it("should not re-create an erased person from later events until their identifiers are restored", async () => {
    const p = await person(a, "back");
    await waitForJob(t, a.keys.admin, (await t.gql<{ eraseProfile: { jobId: string } }>(ERASE, { id: p.id }, a.keys.admin)).data!.eraseProfile.jobId);
    const later = await track(t, a.keys.ingest, [{ messageId: "back-later", type: "page_view", userId: "user-back" }, { messageId: "other-1", type: "page_view", userId: "someone-else" }]);
    expect(later.accepted).toBe(2);
    expect(await count(`profile_identifiers WHERE workspace_id = $1 AND value = 'user-back'`, [a.id])).toBe(0);
    expect(await count(`events WHERE workspace_id = $1 AND message_id = 'back-later'`, [a.id])).toBe(0);
    expect(await count(`events WHERE workspace_id = $1 AND message_id = 'other-1'`, [a.id])).toBe(1);
    const restored = await t.gql<{ restoreErasedIdentifiers: { restored: number } }>(`mutation { restoreErasedIdentifiers(input: { identifiers: { user_id: "user-back" } }) { restored } }`, {}, a.keys.admin);
    expect(restored.data!.restoreErasedIdentifiers.restored).toBe(1);
    await track(t, a.keys.ingest, [{ messageId: "back-again", type: "page_view", userId: "user-back" }]);
    expect(await count(`profile_identifiers WHERE workspace_id = $1 AND value = 'user-back'`, [a.id])).toBe(1);
    expect(await count(`events WHERE workspace_id = $1 AND message_id = 'back-again'`, [a.id])).toBe(1);
  });

  it("should not let a profile that gained an erased identifier keep receiving that identifier's events", async () => {
    const older = await track(t, a.keys.ingest, [{ messageId: "keep-1", type: "page_view", userId: "keep-user" }]);
    const olderId = older.results[0].profileId!;
    const gone = await person(a, "gone");
    await waitForJob(t, a.keys.admin, (await t.gql<{ eraseProfile: { jobId: string } }>(ERASE, { id: gone.id }, a.keys.admin)).data!.eraseProfile.jobId);
    // One event names the older profile's user id and the erased anonymous id: the identifier is taken off again.
    await track(t, a.keys.ingest, [{ messageId: "keep-2", type: "page_view", userId: "keep-user", anonymousId: "anon-gone" }]);
    expect(await count(`profile_identifiers WHERE workspace_id = $1 AND value = 'anon-gone'`, [a.id])).toBe(0);
    // Later events naming only the erased identifier go nowhere (no profile, no event), not to the older profile.
    const later = await track(t, a.keys.ingest, [{ messageId: "gone-later", type: "page_view", anonymousId: "anon-gone" }]);
    expect(later.results[0].profileId).not.toBe(olderId);
    expect(await count(`events WHERE workspace_id = $1 AND message_id = 'gone-later'`, [a.id])).toBe(0);
    expect(await count(`events WHERE workspace_id = $1 AND profile_id = $2`, [a.id, olderId])).toBe(2);
  });
});

describe("event retention", () => {
  let a: TestWorkspace;
  let b: TestWorkspace;
  const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
  const kept = async (ws: string) => ((await t.app.runtime.kernel.dataSource.query(`SELECT message_id FROM events WHERE workspace_id = $1 ORDER BY message_id`, [ws])) as { message_id: string }[]).map((r) => r.message_id);

  beforeAll(async () => {
    a = await t.createWorkspace("ret-a");
    b = await t.createWorkspace("ret-b");
  });

  it("should purge events older than their type's policy and keep aggregates when the job runs", async () => {
    const events = (prefix: string) => [
      { messageId: `${prefix}-view-old`, type: "page_view", userId: "r1", occurredAt: daysAgo(40) },
      { messageId: `${prefix}-view-new`, type: "page_view", userId: "r1", occurredAt: daysAgo(5) },
      { messageId: `${prefix}-search-old`, type: "search", userId: "r1", occurredAt: daysAgo(200), properties: { query: "q" } },
      { messageId: `${prefix}-search-mid`, type: "search", userId: "r1", occurredAt: daysAgo(40), properties: { query: "q" } },
    ];
    expect((await track(t, a.keys.ingest, events("a"))).accepted).toBe(4);
    expect((await track(t, b.keys.ingest, events("b"))).accepted).toBe(4);
    const set = await t.gql(SET, { input: { eventType: "page_view", maxAgeDays: 30 } }, a.keys.admin);
    expect(set.errors).toBeUndefined();
    const all = await t.gql<{ setRetentionPolicy: { policies: { eventType: string; maxAgeDays: number }[] } }>(SET, { input: { maxAgeDays: 100 } }, a.keys.admin);
    expect(all.data!.setRetentionPolicy.policies).toEqual([{ eventType: "*", maxAgeDays: 100 }, { eventType: "page_view", maxAgeDays: 30 }]);
    const profileBefore = await t.app.runtime.kernel.dataSource.query(`SELECT computed->'eventCounts30d' AS c FROM profiles p JOIN profile_identifiers i ON i.profile_id = p.id WHERE i.workspace_id = $1 AND i.value = 'r1'`, [a.id]);

    const job = await t.gql<{ purgeExpiredEvents: { jobId: string } }>(`mutation { purgeExpiredEvents { jobId } }`, {}, a.keys.admin);
    expect(await waitForJob(t, a.keys.admin, job.data!.purgeExpiredEvents.jobId)).toMatchObject({ status: "SUCCEEDED", result: { deleted: 2 } });
    expect(await kept(a.id)).toEqual(["a-search-mid", "a-view-new"]);
    expect(await kept(b.id)).toHaveLength(4);
    const profileAfter = await t.app.runtime.kernel.dataSource.query(`SELECT computed->'eventCounts30d' AS c FROM profiles p JOIN profile_identifiers i ON i.profile_id = p.id WHERE i.workspace_id = $1 AND i.value = 'r1'`, [a.id]);
    expect(profileAfter).toEqual(profileBefore);
  });

  it("should list policies, remove one with null and reject bad input with paths", async () => {
    await t.gql(SET, { input: { eventType: "page_view", maxAgeDays: null } }, a.keys.admin);
    const list = await t.gql<{ retentionPolicies: { eventType: string }[] }>(`{ retentionPolicies { eventType maxAgeDays } }`, {}, a.keys.analyst);
    expect(list.data!.retentionPolicies.map((p) => p.eventType)).toEqual(["*"]);
    const bad = await t.gql(SET, { input: { eventType: "DROP TABLE events;", maxAgeDays: 0 } }, a.keys.admin);
    expect(bad.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
    expect((bad.errors![0].extensions!.problems as { path: string }[]).map((p) => p.path).sort()).toEqual(["input.eventType", "input.maxAgeDays"]);
    expect((await t.gql(SET, { input: { maxAgeDays: 5 } }, a.keys.editor)).errors![0].extensions!.code).toBe("FORBIDDEN");
  });
});

import { randomUUID } from "node:crypto";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { EXPERIMENTS } from "../../src/experiments/experiments.module";
import { PROFILE_HOOKS } from "../../src/profiles/profile-hooks";

const CREATE = `mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { experiment { id status version variants { key control weight } } } }`;
const START = `mutation($id: ID!) { startExperiment(input: { id: $id }) { experiment { id status } } }`;
const UPDATE = `mutation($input: UpdateExperimentInput!) { updateExperiment(input: $input) { experiment { id name } } }`;

describe("experiments: definitions, assignment and exposures", () => {
  let t: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("exp");
  });
  afterAll(() => t.stop());

  async function runningSubjectTest(templateId = randomUUID(), holdoutShare = 0.2): Promise<{ id: string; templateId: string }> {
    const created = await t.gql<{ createExperiment: { experiment: { id: string } } }>(
      CREATE,
      { input: { name: "Subject test", kind: "SUBJECT", templateId, holdoutShare, variants: [{ key: "a", subject: "Hello" }, { key: "b", subject: "Hi there" }] } },
      ws.keys.editor,
    );
    expect(created.errors).toBeUndefined();
    const id = created.data!.createExperiment.experiment.id;
    expect((await t.gql(START, { id }, ws.keys.editor)).errors).toBeUndefined();
    return { id, templateId };
  }

  it("should report every invalid field with its path when the definition is bad", async () => {
    const res = await t.gql(CREATE, { input: { name: "", kind: "SUBJECT", templateId: "nope", holdoutShare: 2, variants: [{ key: "holdout" }] } }, ws.keys.editor);
    expect(res.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
    const paths = (res.errors![0].extensions!.problems as { path: string }[]).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(["input.name", "input.templateId", "input.holdoutShare", "input.variants[0].key", "input.variants[0].subject"]));
  });

  it("should be FORBIDDEN when an analyst or renderer edits experiments", async () => {
    for (const role of ["analyst", "renderer", "ingest"] as const) {
      const res = await t.gql(CREATE, { input: { name: "x", kind: "SUBJECT", templateId: randomUUID(), variants: [{ key: "a", subject: "s" }] } }, ws.keys[role]);
      expect(res.errors![0].extensions!.code).toBe("FORBIDDEN");
    }
  });

  it("should assign sticky arms, store them once and give the holdout no overrides", async () => {
    const { id, templateId } = await runningSubjectTest();
    const service = t.app.runtime.registry.get(EXPERIMENTS);
    const profiles = Array.from({ length: 400 }, () => randomUUID());
    const first = await service.assignForRender(ws.id, { templateId, profileIds: profiles });
    expect(first.size).toBe(400);
    const again = await service.assignForRender(ws.id, { templateId, profileIds: [...profiles].reverse() });
    for (const p of profiles) expect(again.get(p)!.variantKey).toBe(first.get(p)!.variantKey);
    const keys = [...first.values()].map((a) => a.variantKey);
    expect(new Set(keys)).toEqual(new Set(["a", "b", "holdout"]));
    for (const a of first.values()) {
      expect(a.experimentId).toBe(id);
      if (a.holdout) expect(a.overrides).toEqual({});
      else expect(a.overrides.subject).toBe(a.variantKey === "a" ? "Hello" : "Hi there");
    }
    const [{ count }] = await t.app.runtime.kernel.dataSource.query(`SELECT count(*)::int AS count FROM experiment_assignments WHERE workspace_id = $1 AND experiment_id = $2`, [ws.id, id]);
    expect(count).toBe(400);
    // Other workspaces and other templates get nothing.
    const other = await t.createWorkspace("exp-other");
    expect((await service.assignForRender(other.id, { templateId, profileIds: profiles })).size).toBe(0);
    expect((await service.assignForRender(ws.id, { templateId: randomUUID(), profileIds: profiles })).size).toBe(0);
  });

  it("should give every profile one cell of the factorial when the test is multivariate", async () => {
    const templateId = randomUUID();
    const created = await t.gql<{ createExperiment: { experiment: { id: string; variants: { key: string; control: boolean }[] } } }>(
      CREATE,
      {
        input: {
          name: "Subject × hero",
          kind: "MULTIVARIATE",
          templateId,
          factors: [
            { slot: "subject", levels: [{ key: "plain", content: "Hello" }, { key: "promo", content: "20% off" }] },
            { slot: "hero", levels: [{ key: "a", content: "<p>A</p>" }, { key: "b", content: "<p>B</p>" }, { key: "c", content: "<p>C</p>" }] },
          ],
        },
      },
      ws.keys.editor,
    );
    expect(created.errors).toBeUndefined();
    const { id, variants } = created.data!.createExperiment.experiment;
    expect(variants).toHaveLength(6);
    expect(variants.filter((v) => v.control).map((v) => v.key)).toEqual(["subject=plain|hero=a"]);
    await t.gql(START, { id }, ws.keys.editor);
    const arms = await t.app.runtime.registry.get(EXPERIMENTS).assignForRender(ws.id, { templateId, profileIds: Array.from({ length: 300 }, () => randomUUID()) });
    expect(new Set([...arms.values()].map((a) => a.variantKey)).size).toBe(6);
    const promoC = [...arms.values()].find((a) => a.variantKey === "subject=promo|hero=c")!;
    expect(promoC.overrides).toEqual({ subject: "20% off", blocks: { hero: "<p>C</p>" } });
  });

  it("should refuse edits that would bias a running test with CONFLICT and allow renaming", async () => {
    const { id } = await runningSubjectTest();
    const biased = await t.gql(UPDATE, { input: { id, holdoutShare: 0.4, variants: [{ key: "a", subject: "x" }] } }, ws.keys.editor);
    expect(biased.errors![0].extensions!.code).toBe("CONFLICT");
    expect(biased.errors![0].message).toMatch(/variants, holdoutShare/);
    const renamed = await t.gql<{ updateExperiment: { experiment: { name: string } } }>(UPDATE, { input: { id, name: "Renamed" } }, ws.keys.editor);
    expect(renamed.data!.updateExperiment.experiment.name).toBe("Renamed");
  });

  it("should refuse a second running experiment on the same template with CONFLICT", async () => {
    const { templateId } = await runningSubjectTest();
    const second = await t.gql<{ createExperiment: { experiment: { id: string } } }>(
      CREATE,
      { input: { name: "Second", kind: "SUBJECT", templateId, variants: [{ key: "a", subject: "1" }, { key: "b", subject: "2" }] } },
      ws.keys.editor,
    );
    const res = await t.gql(START, { id: second.data!.createExperiment.experiment.id }, ws.keys.editor);
    expect(res.errors![0].extensions!.code).toBe("CONFLICT");
  });

  it("should let exactly one of several drafts run when they are started at the same instant on one template", async () => {
    // Several rounds, because an unguarded check-then-start only loses the race some of the time.
    for (let round = 0; round < 5; round++) {
      const templateId = randomUUID();
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const created = await t.gql<{ createExperiment: { experiment: { id: string } } }>(
          CREATE,
          { input: { name: `Racer ${i}`, kind: "SUBJECT", templateId, variants: [{ key: "a", subject: "1" }, { key: "b", subject: "2" }] } },
          ws.keys.editor,
        );
        ids.push(created.data!.createExperiment.experiment.id);
      }
      const results = await Promise.all(ids.map((id) => t.gql(START, { id }, ws.keys.editor)));
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      expect(results.filter((r) => r.errors?.[0].extensions!.code === "CONFLICT")).toHaveLength(5);
    }
  });

  it("should keep the earliest assignment on the survivor when two profiles merge", async () => {
    const { templateId, id } = await runningSubjectTest(randomUUID(), 0);
    const service = t.app.runtime.registry.get(EXPERIMENTS);
    const ds = t.app.runtime.kernel.dataSource;
    // Find an anonymous and a known profile that got different arms; the anonymous one saw it first.
    const pool = Array.from({ length: 40 }, () => randomUUID());
    const arms = await service.assignForRender(ws.id, { templateId, profileIds: pool });
    const anonymous = pool.find((p) => arms.get(p)!.variantKey === "a")!;
    const known = pool.find((p) => arms.get(p)!.variantKey === "b")!;
    await ds.query(`UPDATE experiment_assignments SET assigned_at = now() - interval '1 day' WHERE workspace_id = $1 AND profile_id = $2`, [ws.id, anonymous]);
    // The anonymous profile received a campaign before the merge: its exposure follows it.
    const campaignId = randomUUID();
    await service.recordExposures(ws.id, [{ campaignId, profileId: anonymous, experimentId: id, variantKey: "a", templateVersion: "v1" }]);
    await t.app.runtime.registry.get(PROFILE_HOOKS).run([{ workspaceId: ws.id, profileId: known, changed: ["merge"], mergedProfileId: anonymous }], ds.manager);
    const after = await service.assignForRender(ws.id, { templateId, profileIds: [known] });
    expect(after.get(known)!.variantKey).toBe("a");
    const rows = await ds.query(`SELECT profile_id FROM experiment_assignments WHERE workspace_id = $1 AND experiment_id = $2 AND profile_id = ANY($3::uuid[])`, [ws.id, id, [known, anonymous]]);
    expect(rows).toEqual([{ profile_id: known }]);
    const exposures = await ds.query(`SELECT profile_id, variant_key FROM experiment_exposures WHERE workspace_id = $1 AND campaign_id = $2`, [ws.id, campaignId]);
    expect(exposures).toEqual([{ profile_id: known, variant_key: "a" }]);
  });

  it("should keep the anonymous visitor's arm when identify() merges them into a known profile", async () => {
    const { templateId, id } = await runningSubjectTest(randomUUID(), 0);
    const service = t.app.runtime.registry.get(EXPERIMENTS);
    const ds = t.app.runtime.kernel.dataSource;
    const IDENTIFY = `mutation($input: IdentifyInput!) { identify(input: $input) { profile { id } } }`;
    const tag = randomUUID().slice(0, 8);
    const anon = await t.gql<{ identify: { profile: { id: string } } }>(IDENTIFY, { input: { identifiers: { anonymous_id: `anon-${tag}` } } }, ws.keys.ingest);
    const user = await t.gql<{ identify: { profile: { id: string } } }>(IDENTIFY, { input: { identifiers: { user_id: `user-${tag}` } } }, ws.keys.ingest);
    const anonId = anon.data!.identify.profile.id;
    const userId = user.data!.identify.profile.id;
    await service.assignForRender(ws.id, { templateId, profileIds: [anonId, userId] });
    // Make the two arms differ, the anonymous one first.
    await ds.query(`UPDATE experiment_assignments SET variant_key = CASE WHEN profile_id = $3 THEN 'b' ELSE 'a' END, assigned_at = CASE WHEN profile_id = $3 THEN now() - interval '1 hour' ELSE now() END
                     WHERE workspace_id = $1 AND experiment_id = $2 AND profile_id IN ($3, $4)`, [ws.id, id, anonId, userId]);
    const merged = await t.gql<{ identify: { profile: { id: string } } }>(IDENTIFY, { input: { identifiers: { anonymous_id: `anon-${tag}`, user_id: `user-${tag}` } } }, ws.keys.ingest);
    expect(merged.errors).toBeUndefined();
    const survivor = merged.data!.identify.profile.id;
    const rows = await ds.query(`SELECT profile_id, variant_key FROM experiment_assignments WHERE workspace_id = $1 AND experiment_id = $2 AND profile_id IN ($3, $4)`, [ws.id, id, anonId, userId]);
    expect(rows).toEqual([{ profile_id: survivor, variant_key: "b" }]);
  });

  it("should record exposures once per campaign and profile and skip bad items", async () => {
    const service = t.app.runtime.registry.get(EXPERIMENTS);
    const campaignId = randomUUID();
    const profiles = [randomUUID(), randomUUID()];
    const exposures = profiles.map((profileId) => ({ campaignId, profileId, templateVersion: "v1" }));
    const first = await service.recordExposures(ws.id, [...exposures, { campaignId: "not a campaign id", profileId: profiles[0], templateVersion: "" }]);
    expect(first.recorded).toBe(2);
    expect(first.problems.map((p) => p.path)).toEqual(["exposures[2].campaignId", "exposures[2].templateVersion"]);
    const retry = await service.recordExposures(ws.id, exposures);
    expect(retry.recorded).toBe(0);
    const campaign = await t.gql<{ campaign: { id: string; attributionWindowHours: number } }>(`query($id: ID!) { campaign(id: $id) { id attributionWindowHours } }`, { id: campaignId }, ws.keys.analyst);
    expect(campaign.data!.campaign.attributionWindowHours).toBe(72);
  });
});

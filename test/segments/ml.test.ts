import type { DataSource } from "typeorm";
import { MODEL_REGISTRY } from "../../src/models/models.module";
import { seededRandom } from "../../src/common/random";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { createSegment, insertProfiles, waitForJob } from "./fixtures";

const gauss = (random: () => number) => Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random());

describe("cluster and lookalike segments", () => {
  let t: TestApp;
  let ds: DataSource;

  beforeAll(async () => {
    t = await startTestApp({ KINDRED_RUN_WORKER: "true" });
    ds = t.app.runtime.kernel.dataSource;
  });
  afterAll(() => t.stop());

  it("should recover known clusters as segments with personas, silhouette and elbow data", async () => {
    const ws: TestWorkspace = await t.createWorkspace("seg-clusters");
    const random = seededRandom(21);
    const blobs = [
      { spend: 900, visits: 40 },
      { spend: 50, visits: 35 },
      { spend: 60, visits: 2 },
    ];
    const truth = new Map<string, number>();
    for (const [label, blob] of blobs.entries()) {
      const ids = await insertProfiles(ds, ws.id, Array.from({ length: 50 }, () => ({ spend: blob.spend + gauss(random) * 30, visits: blob.visits + gauss(random) * 2 })));
      for (const id of ids) truth.set(id, label);
    }
    const started = await t.gql<{ createClusterSegments: { jobId: string } }>(
      `mutation($input: CreateClusterSegmentsInput!) { createClusterSegments(input: $input) { jobId } }`,
      { input: { features: [{ name: "spend", source: "TRAITS" }, { name: "visits", source: "TRAITS" }], kMin: 2, kMax: 6, namePrefix: "Shoppers" } },
      ws.keys.editor,
    );
    expect(started.errors).toBeUndefined();
    const job = await waitForJob(t, ws.keys.analyst, started.data!.createClusterSegments.jobId);
    expect(job).toMatchObject({ status: "SUCCEEDED" });
    const result = job.result as { k: number; silhouette: number; elbow: { k: number; inertia: number }[]; segments: { id: string; persona: string; size: number }[] };
    expect(result.k).toBe(3);
    expect(result.silhouette).toBeGreaterThan(0.6);
    expect(result.elbow.map((e) => e.k)).toEqual([2, 3, 4, 5, 6]);
    expect(result.segments.map((s) => s.size).sort()).toEqual([50, 50, 50]);
    for (const segment of result.segments) {
      const members = (await ds.query(`SELECT profile_id FROM segment_memberships WHERE segment_id = $1 AND exited_at IS NULL`, [segment.id])) as { profile_id: string }[];
      expect(new Set(members.map((m) => truth.get(m.profile_id))).size).toBe(1);
    }
    expect(result.segments.map((s) => s.persona).join(" | ")).toContain("high spend");
  });

  it("should report every problem when cluster input is invalid", async () => {
    const ws = await t.createWorkspace("seg-clusters-bad");
    const res = await t.gql(
      `mutation($input: CreateClusterSegmentsInput!) { createClusterSegments(input: $input) { jobId } }`,
      { input: { features: [{ name: "nope", source: "TRAITS" }, { name: "loyalty", source: "BEHAVIOUR" }], k: 1 } },
      ws.keys.editor,
    );
    expect((res.errors![0].extensions as { problems: { path: string }[] }).problems.map((p) => p.path)).toEqual(["input.features[0].name", "input.features[1].name", "input.k"]);
  });

  it("should find lookalikes of a seed with a planted signal and report held-out AUC", async () => {
    const ws = await t.createWorkspace("seg-lookalike");
    const random = seededRandom(33);
    const people = Array.from({ length: 600 }, () => {
      const signal = gauss(random);
      return { signal, noise: gauss(random), buyer: random() < 1 / (1 + Math.exp(-3 * signal)) };
    });
    const ids = await insertProfiles(ds, ws.id, people);
    const signalOf = new Map(ids.map((id, i) => [id, people[i].signal]));
    const seed = await createSegment(t, ws.keys.editor, "Buyers", { trait: { name: "buyer", op: "EQ", value: true } });
    const started = await t.gql<{ createLookalikeSegment: { jobId: string } }>(
      `mutation($input: CreateLookalikeSegmentInput!) { createLookalikeSegment(input: $input) { jobId } }`,
      { input: { seedSegmentId: seed.id, features: [{ name: "signal", source: "TRAITS" }, { name: "noise", source: "TRAITS" }], size: 60 } },
      ws.keys.editor,
    );
    expect(started.errors).toBeUndefined();
    const job = await waitForJob(t, ws.keys.analyst, started.data!.createLookalikeSegment.jobId);
    expect(job.status).toBe("SUCCEEDED");
    const result = job.result as { segmentId: string; auc: number; size: number; seedSize: number; modelVersionId: string };
    expect(result.auc).toBeGreaterThan(0.8);
    const version = await t.app.runtime.registry.get(MODEL_REGISTRY).get(ws.id, result.modelVersionId);
    expect(version).toMatchObject({ kind: "segment_lookalike" });
    expect(result.size).toBe(60);
    const members = ((await ds.query(`SELECT profile_id FROM segment_memberships WHERE segment_id = $1 AND exited_at IS NULL`, [result.segmentId])) as { profile_id: string }[]).map((m) => m.profile_id);
    const seedMembers = new Set(((await ds.query(`SELECT profile_id FROM segment_memberships WHERE segment_id = $1 AND exited_at IS NULL`, [seed.id])) as { profile_id: string }[]).map((m) => m.profile_id));
    expect(members.some((m) => seedMembers.has(m))).toBe(false);
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    const outside = [...signalOf].filter(([id]) => !seedMembers.has(id) && !members.includes(id)).map(([, s]) => s);
    expect(mean(members.map((m) => signalOf.get(m)!))).toBeGreaterThan(mean(outside) + 1);
    const seg = await t.gql<{ segment: { kind: string; size: number; details: { auc: number } } }>(`query($id: ID!) { segment(id: $id) { kind size details } }`, { id: result.segmentId }, ws.keys.analyst);
    expect(seg.data!.segment).toMatchObject({ kind: "LOOKALIKE", size: 60 });
  });
});

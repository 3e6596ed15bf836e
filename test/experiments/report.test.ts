import { randomUUID } from "node:crypto";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { collect, wsClient } from "../support/ws-client";
import { EXPERIMENTS } from "../../src/experiments/experiments.module";

const ARM_FIELDS = `key control holdout sends opens machineOpens clicks conversions revenue openRate clickRate clickToOpenRate conversionRate revenuePerRecipient
  vsControl { metric baselineKey difference differenceLow differenceHigh relativeLift pValue adjustedPValue sequentialPValue chanceToBeat significant }
  vsHoldout { metric baselineKey difference pValue significant }`;
const CAMPAIGN_REPORT = `query($id: ID!) { campaignReport(id: $id) { totals { ${ARM_FIELDS} } verdict
  experiments { experimentId verdict srm { alarm pValue keys observed } arms { ${ARM_FIELDS} } segments { segmentId segmentKey arms { key sends clicks } verdict } } } }`;

interface Arm { key: string; sends: number; opens: number; machineOpens: number; clicks: number; conversions: number; revenue: number }

describe("campaign reports and experiment results", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  const sentAt = new Date(Date.now() - 5 * 24 * 3600 * 1000);
  const at = (seconds: number) => new Date(sentAt.getTime() + seconds * 1000);

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("report");
  });
  afterAll(() => t.stop());

  async function insertEvents(events: { profileId: string; type: string; at: Date; properties?: Record<string, unknown>; revenue?: number }[]): Promise<void> {
    await t.app.runtime.kernel.dataSource.query(
      `INSERT INTO events (workspace_id, message_id, type, occurred_at, profile_id, properties, revenue)
       SELECT $1, gen_random_uuid()::text, type, at, profile_id, properties, revenue FROM unnest($2::text[], $3::timestamptz[], $4::uuid[], $5::jsonb[], $6::numeric[]) AS t(type, at, profile_id, properties, revenue)`,
      [ws.id, events.map((e) => e.type), events.map((e) => e.at), events.map((e) => e.profileId), events.map((e) => JSON.stringify(e.properties ?? {})), events.map((e) => e.revenue ?? null)],
    );
  }

  async function experimentWithSend(holdoutShare: number, recipients: number) {
    const templateId = randomUUID();
    const created = await t.gql<{ createExperiment: { experiment: { id: string } } }>(
      `mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { experiment { id } } }`,
      { input: { name: "Hero block", kind: "BLOCK", templateId, holdoutShare, sequential: false, variants: [{ key: "a", blocks: { hero: "A" } }, { key: "b", blocks: { hero: "B" } }] } },
      ws.keys.editor,
    );
    const experimentId = created.data!.createExperiment.experiment.id;
    await t.gql(`mutation($id: ID!) { startExperiment(input: { id: $id }) { experiment { id } } }`, { id: experimentId }, ws.keys.editor);
    const campaign = await t.gql<{ createCampaign: { campaign: { id: string } } }>(
      `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } } }`,
      { input: { name: "Spring sale", templateId, attributionWindowHours: 24 } },
      ws.keys.editor,
    );
    const campaignId = campaign.data!.createCampaign.campaign.id;
    const service = t.app.runtime.registry.get(EXPERIMENTS);
    const profiles = Array.from({ length: recipients }, () => randomUUID());
    const arms = await service.assignForRender(ws.id, { templateId, campaignId, profileIds: profiles });
    await service.recordExposures(ws.id, profiles.map((profileId) => ({ campaignId, profileId, experimentId, variantKey: arms.get(profileId)!.variantKey, templateVersion: "v1", exposedAt: sentAt })));
    return { experimentId, campaignId, profiles, arms };
  }

  it("should attribute opens, clicks and purchases within the window and exclude machine opens", async () => {
    const { campaignId, experimentId, profiles, arms } = await experimentWithSend(0.2, 60);
    const expected = new Map<string, Arm>();
    const bump = (p: string, f: Partial<Record<keyof Arm, number>>) => {
      const key = arms.get(p)!.variantKey;
      const e = expected.get(key) ?? { key, sends: 0, opens: 0, machineOpens: 0, clicks: 0, conversions: 0, revenue: 0 };
      for (const [k, v] of Object.entries(f)) (e as unknown as Record<string, number>)[k] += v!;
      expected.set(key, e);
    };
    const tracked = { campaignId };
    const events: Parameters<typeof insertEvents>[0] = [];
    profiles.forEach((p, i) => {
      bump(p, { sends: 1 });
      if (i % 6 === 0) {
        // Prefetch at delivery only: a machine open, not an open.
        events.push({ profileId: p, type: "email_open", at: at(1), properties: tracked });
        bump(p, { machineOpens: 1 });
      } else if (i % 6 === 1) {
        events.push({ profileId: p, type: "email_open", at: at(3600), properties: { ...tracked, machineOpen: true } });
        bump(p, { machineOpens: 1 });
      } else if (i % 6 === 2) {
        events.push({ profileId: p, type: "email_open", at: at(1), properties: tracked }, { profileId: p, type: "email_open", at: at(600), properties: tracked });
        events.push({ profileId: p, type: "email_click", at: at(700), properties: tracked }, { profileId: p, type: "purchase", at: at(7200), revenue: 40 });
        bump(p, { opens: 1, clicks: 1, conversions: 1, revenue: 40 });
      } else if (i % 6 === 3) {
        // Outside the 24 h window, another campaign's open, and an event before the send.
        events.push({ profileId: p, type: "purchase", at: at(30 * 3600), revenue: 99 });
        events.push({ profileId: p, type: "email_open", at: at(600), properties: { campaignId: randomUUID() } });
        events.push({ profileId: p, type: "email_click", at: at(-600), properties: tracked });
      } else if (i % 6 === 4) {
        events.push({ profileId: p, type: "email_open", at: at(900), properties: tracked });
        bump(p, { opens: 1 });
      }
    });
    await insertEvents(events);
    const res = await t.gql<{ campaignReport: { totals: Arm; verdict: string; experiments: { experimentId: string; arms: (Arm & { vsControl: unknown[]; vsHoldout: unknown[] })[]; srm: { keys: string[] } }[] } }>(
      CAMPAIGN_REPORT,
      { id: campaignId },
      ws.keys.analyst,
    );
    expect(res.errors).toBeUndefined();
    const report = res.data!.campaignReport;
    const section = report.experiments.find((e) => e.experimentId === experimentId)!;
    for (const arm of section.arms) {
      const e = expected.get(arm.key) ?? { key: arm.key, sends: 0, opens: 0, machineOpens: 0, clicks: 0, conversions: 0, revenue: 0 };
      expect({ key: arm.key, sends: arm.sends, opens: arm.opens, machineOpens: arm.machineOpens, clicks: arm.clicks, conversions: arm.conversions, revenue: arm.revenue }).toEqual(e);
    }
    expect(report.totals.sends).toBe(60);
    expect(report.totals.conversions).toBe(10);
    expect(section.arms.find((a) => a.key === "b")!.vsControl).toHaveLength(4);
    expect(section.arms.find((a) => a.key === "a")!.vsHoldout).toHaveLength(4);
    expect(section.srm.keys).toEqual(["a", "b", "holdout"]);
    expect(report.verdict).toMatch(/^60 recipients; open rate 33\.3%/);

    // A wider window brings in the late purchases; including machine opens counts them as opens.
    await t.gql(`mutation($id: ID!) { updateCampaign(input: { id: $id, attributionWindowHours: 48, includeMachineOpens: true }) { campaign { id } } }`, { id: campaignId }, ws.keys.editor);
    const wider = await t.gql<{ campaignReport: { totals: Arm } }>(CAMPAIGN_REPORT, { id: campaignId }, ws.keys.analyst);
    expect(wider.data!.campaignReport.totals.conversions).toBe(20);
    expect(wider.data!.campaignReport.totals.revenue).toBe(10 * 40 + 10 * 99);
    expect(wider.data!.campaignReport.totals.opens).toBe(40);
    expect(wider.data!.campaignReport.totals.machineOpens).toBe(0);

    const results = await t.gql<{ experimentResults: { arms: Arm[]; verdict: string } }>(`query($id: ID!) { experimentResults(id: $id) { arms { key sends conversions } verdict } }`, { id: experimentId }, ws.keys.analyst);
    expect(results.data!.experimentResults.arms.reduce((s, a) => s + a.sends, 0)).toBe(60);
  });

  it("should raise the sample-ratio alarm when the recorded split is skewed", async () => {
    const { campaignId, experimentId } = await experimentWithSend(0, 0);
    const service = t.app.runtime.registry.get(EXPERIMENTS);
    const exposures = Array.from({ length: 400 }, (_, i) => ({ campaignId, experimentId, profileId: randomUUID(), variantKey: i < 280 ? "a" : "b", templateVersion: "v1", exposedAt: sentAt }));
    await service.recordExposures(ws.id, exposures);
    const res = await t.gql<{ experimentResults: { srm: { alarm: boolean; pValue: number; observed: number[] }; verdict: string } }>(
      `query($id: ID!) { experimentResults(id: $id) { srm { alarm pValue observed } verdict } }`,
      { id: experimentId },
      ws.keys.analyst,
    );
    expect(res.data!.experimentResults.srm.observed).toEqual([280, 120]);
    expect(res.data!.experimentResults.srm.alarm).toBe(true);
    expect(res.data!.experimentResults.verdict).toMatch(/^Sample ratio mismatch/);
    await t.gql(`mutation($id: ID!) { stopExperiment(input: { id: $id, winnerKey: "a" }) { experiment { status } } }`, { id: experimentId }, ws.keys.editor);
    const stopped = await t.gql<{ experimentResults: { status: string; verdict: string } }>(`query($id: ID!) { experimentResults(id: $id) { status verdict } }`, { id: experimentId }, ws.keys.analyst);
    expect(stopped.data!.experimentResults.status).toBe("STOPPED");
    expect(stopped.data!.experimentResults.verdict).toMatch(/^Stopped; "a" was declared the winner\. Sample ratio mismatch/);
  });

  it("should give most of the next sends to the better subject line when the bandit is asked", async () => {
    const { campaignId, experimentId } = await experimentWithSend(0, 0);
    const service = t.app.runtime.registry.get(EXPERIMENTS);
    const exposures = Array.from({ length: 400 }, (_, i) => ({ campaignId, experimentId, profileId: randomUUID(), variantKey: i % 2 ? "b" : "a", templateVersion: "v1", exposedAt: sentAt }));
    await service.recordExposures(ws.id, exposures);
    // a: 10 of 200 click, b: 40 of 200.
    const clickers = [...exposures.filter((e) => e.variantKey === "a").slice(0, 10), ...exposures.filter((e) => e.variantKey === "b").slice(0, 40)];
    await insertEvents(clickers.map((e) => ({ profileId: e.profileId, type: "email_click", at: at(300), properties: { campaignId } })));
    const res = await t.gql<{ experimentBandit: { key: string; sends: number; successes: number; chanceToBeBest: number; share: number }[] }>(
      `query($id: ID!) { experimentBandit(id: $id, minShare: 0.05) { key sends successes chanceToBeBest share } }`,
      { id: experimentId },
      ws.keys.analyst,
    );
    expect(res.errors).toBeUndefined();
    const [a, b] = res.data!.experimentBandit;
    expect([a.key, a.sends, a.successes, b.key, b.sends, b.successes]).toEqual(["a", 200, 10, "b", 200, 40]);
    expect(b.chanceToBeBest).toBeGreaterThan(0.99);
    expect(a.share).toBeGreaterThanOrEqual(0.045);
    expect(a.share + b.share).toBeCloseTo(1, 10);
    const bad = await t.gql(`query($id: ID!) { experimentBandit(id: $id, metric: REVENUE_PER_RECIPIENT) { key } }`, { id: experimentId }, ws.keys.analyst);
    expect(bad.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
  });

  it("should break results down by segment membership at send time", async () => {
    const { campaignId, profiles, arms } = await experimentWithSend(0, 40);
    const ds = t.app.runtime.kernel.dataSource;
    const [segment] = await ds.query(`INSERT INTO segments (workspace_id, key, name) VALUES ($1, $2, 'VIPs') RETURNING id`, [ws.id, `vip-${randomUUID().slice(0, 6)}`]);
    // Half were members at the send; one more joined only after it (not counted).
    const members = profiles.slice(0, 20);
    await ds.query(`INSERT INTO segment_memberships (workspace_id, segment_id, profile_id, entered_at) SELECT $1, $2, unnest($3::uuid[]), $4`, [ws.id, segment.id, members, new Date(sentAt.getTime() - 3600_000)]);
    await ds.query(`INSERT INTO segment_memberships (workspace_id, segment_id, profile_id, entered_at) VALUES ($1, $2, $3, now())`, [ws.id, segment.id, profiles[30]]);
    await insertEvents(members.slice(0, 6).map((p) => ({ profileId: p, type: "email_click", at: at(600), properties: { campaignId } })));
    const res = await t.gql<{ campaignReport: { experiments: { segments: { segmentId: string; arms: { key: string; sends: number; clicks: number }[] }[] }[] } }>(
      CAMPAIGN_REPORT,
      { id: campaignId },
      ws.keys.analyst,
    );
    expect(res.errors).toBeUndefined();
    const vip = res.data!.campaignReport.experiments[0].segments.find((s) => s.segmentId === segment.id)!;
    const expectSends = (key: string) => members.filter((p) => arms.get(p)!.variantKey === key).length;
    expect(vip.arms.map((a) => [a.key, a.sends])).toEqual(["a", "b"].filter((k) => expectSends(k) > 0).map((k) => [k, expectSends(k)]));
    expect(vip.arms.reduce((s, a) => s + a.clicks, 0)).toBe(6);
  });

  it("should push fresh results to a subscriber when exposures arrive", async () => {
    const { experimentId, campaignId } = await experimentWithSend(0, 4);
    const { client } = wsClient(t.url, ws.keys.analyst);
    const sub = collect<{ experimentResultsUpdated: { experimentId: string; arms: { sends: number }[] } }>(
      client,
      `subscription($id: ID!) { experimentResultsUpdated(experimentId: $id) { experimentId arms { key sends } } }`,
      { id: experimentId },
    );
    await new Promise((r) => setTimeout(r, 200));
    await t.app.runtime.registry.get(EXPERIMENTS).recordExposures(ws.id, [{ campaignId, experimentId, profileId: randomUUID(), variantKey: "a", templateVersion: "v1" }]);
    await sub.next(1, 8000);
    const update = sub.received[0].experimentResultsUpdated;
    expect(update.experimentId).toBe(experimentId);
    expect(update.arms.reduce((s, a) => s + a.sends, 0)).toBe(5);
    sub.dispose();
    await client.dispose();
  });

  it("should push fresh results when an exposed recipient's purchase is ingested", async () => {
    const { experimentId, campaignId } = await experimentWithSend(0, 0);
    const tag = randomUUID().slice(0, 8);
    const who = await t.gql<{ identify: { profile: { id: string } } }>(`mutation($input: IdentifyInput!) { identify(input: $input) { profile { id } } }`, { input: { identifiers: { user_id: `buyer-${tag}` } } }, ws.keys.ingest);
    const profileId = who.data!.identify.profile.id;
    await t.app.runtime.registry.get(EXPERIMENTS).recordExposures(ws.id, [{ campaignId, experimentId, profileId, variantKey: "b", templateVersion: "v1" }]);
    const { client } = wsClient(t.url, ws.keys.analyst);
    const sub = collect<{ experimentResultsUpdated: { arms: { key: string; conversions: number }[] } }>(
      client,
      `subscription($id: ID!) { experimentResultsUpdated(experimentId: $id) { arms { key conversions } } }`,
      { id: experimentId },
    );
    await new Promise((r) => setTimeout(r, 200));
    const tracked = await t.gql<{ trackEvents: { accepted: number } }>(
      `mutation($events: [EventInput!]!) { trackEvents(events: $events) { accepted } }`,
      { events: [{ messageId: `order-${tag}`, type: "purchase", userId: `buyer-${tag}`, properties: { orderId: `o-${tag}`, total: 30, currency: "EUR", lineItems: [{ itemId: "sku-1", quantity: 1, price: 30 }] } }] },
      ws.keys.ingest,
    );
    expect(tracked.data!.trackEvents.accepted).toBe(1);
    await sub.next(1, 8000);
    expect(sub.received.at(-1)!.experimentResultsUpdated.arms.find((a) => a.key === "b")!.conversions).toBe(1);
    sub.dispose();
    await client.dispose();
  });

  it("should be NOT_FOUND for another workspace's campaign and FORBIDDEN for the ingest role", async () => {
    const { campaignId } = await experimentWithSend(0, 2);
    const other = await t.createWorkspace("report-other");
    expect((await t.gql(CAMPAIGN_REPORT, { id: campaignId }, other.keys.analyst)).errors![0].extensions!.code).toBe("NOT_FOUND");
    expect((await t.gql(CAMPAIGN_REPORT, { id: campaignId }, ws.keys.ingest)).errors![0].extensions!.code).toBe("FORBIDDEN");
  });
});

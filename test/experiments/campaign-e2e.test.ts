import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";

const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hi {{ profile.first_name | default: 'there' }} <a href="https://shop.example.com/sale">Sale</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;

interface Email { profileId: string; subject: string; html: string; personalization: { experimentId: string | null; variant: string | null } }
interface Arm { key: string; sends: number; opens: number; clicks: number; conversions: number; revenue: number }

describe("end-to-end campaign: render → open/click through tracking links → purchase → report", () => {
  let t: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("e2e");
  });
  afterAll(() => t.stop());

  it("should report per-arm outcomes that match what recipients did", async () => {
    const db = t.app.runtime.kernel.dataSource;
    const saved = await t.gql<{ saveTemplate: { template: { id: string } } }>(
      `mutation($input: SaveTemplateInput!) { saveTemplate(input: $input) { template { id } } }`,
      { input: { name: "e2e", mjml: MJML, subject: "Default subject", sampleData: {} } },
      ws.keys.editor,
    );
    expect(saved.errors).toBeUndefined();
    const templateId = saved.data!.saveTemplate.template.id;
    const experiment = await t.gql<{ createExperiment: { experiment: { id: string } } }>(
      `mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { experiment { id } } }`,
      { input: { name: "Subject line", kind: "SUBJECT", templateId, holdoutShare: 0.2, variants: [{ key: "a", subject: "Spring is here" }, { key: "b", subject: "40% off today" }] } },
      ws.keys.editor,
    );
    const experimentId = experiment.data!.createExperiment.experiment.id;
    await t.gql(`mutation($id: ID!) { startExperiment(input: { id: $id }) { experiment { status } } }`, { id: experimentId }, ws.keys.editor);
    // Opens right after delivery would be prefetches; this test fetches pixels at once, so it sets 0 s.
    const campaign = await t.gql<{ createCampaign: { campaign: { id: string } } }>(
      `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { campaign { id } } }`,
      { input: { name: "Spring", templateId, machineOpenSeconds: 0 } },
      ws.keys.editor,
    );
    const campaignId = campaign.data!.createCampaign.campaign.id;
    const profileIds: string[] = [];
    for (let i = 0; i < 30; i++) {
      const [row] = await db.query(`INSERT INTO profiles (workspace_id, traits, known) VALUES ($1, $2::jsonb, true) RETURNING id`, [ws.id, JSON.stringify({ first_name: `P${i}` })]);
      profileIds.push(row.id);
    }

    const batch = await t.gql<{ renderBatch: { emails: Email[] } }>(
      `query($t: ID!, $ids: [ID!], $c: String) { renderBatch(templateId: $t, profileIds: $ids, first: 100, campaignId: $c) { emails { profileId subject html personalization { experimentId variant } } } }`,
      { t: templateId, ids: profileIds, c: campaignId },
      ws.keys.renderer,
    );
    expect(batch.errors).toBeUndefined();
    const emails = batch.data!.renderBatch.emails;
    expect(emails).toHaveLength(30);
    for (const e of emails) {
      expect(e.personalization.experimentId).toBe(experimentId);
      if (e.personalization.variant === "a") expect(e.subject).toBe("Spring is here");
      if (e.personalization.variant === "b") expect(e.subject).toBe("40% off today");
    }

    const expected = new Map<string, Arm>();
    const arm = (key: string) => expected.get(key) ?? (expected.set(key, { key, sends: 0, opens: 0, clicks: 0, conversions: 0, revenue: 0 }), expected.get(key)!);
    const purchases: { profileId: string; revenue: number }[] = [];
    for (const [i, e] of emails.entries()) {
      const a = arm(e.personalization.variant!);
      a.sends++;
      // The public URL in links is the configured one; the test server listens elsewhere.
      const local = (url: string) => `${t.baseUrl}${new URL(url).pathname}`;
      const pixel = local(e.html.match(/<img src="([^"]+\/t\/o\/[^"]+)"/)![1]);
      const link = local([...e.html.matchAll(/href="([^"]+\/t\/c\/[^"]+)"/g)][0][1]);
      if (i % 2 === 0) {
        expect((await fetch(pixel)).status).toBe(200);
        a.opens++;
      }
      if (i % 3 === 0) {
        expect((await fetch(link, { redirect: "manual" })).status).toBe(302);
        a.clicks++;
        if (i % 2 !== 0) a.opens++; // a click implies a human open
      }
      if (i % 5 === 0) {
        purchases.push({ profileId: e.profileId, revenue: 25 + i });
        a.conversions++;
        a.revenue += 25 + i;
      }
    }
    await db.query(
      `INSERT INTO events (workspace_id, message_id, type, occurred_at, profile_id, revenue)
       SELECT $1, 'e2e-purchase-' || p, 'purchase', now(), p, r FROM unnest($2::uuid[], $3::numeric[]) AS t(p, r)`,
      [ws.id, purchases.map((p) => p.profileId), purchases.map((p) => p.revenue)],
    );

    const report = await t.gql<{ campaignReport: { totals: Arm; experiments: { experimentId: string; arms: Arm[]; verdict: string }[] } }>(
      `query($id: ID!) { campaignReport(id: $id) { totals { key sends opens clicks conversions revenue } experiments { experimentId verdict arms { key sends opens clicks conversions revenue } } } }`,
      { id: campaignId },
      ws.keys.analyst,
    );
    expect(report.errors).toBeUndefined();
    const section = report.data!.campaignReport.experiments.find((s) => s.experimentId === experimentId)!;
    expect(section.arms.filter((a) => a.sends > 0).sort((x, y) => x.key.localeCompare(y.key))).toEqual([...expected.values()].sort((x, y) => x.key.localeCompare(y.key)));
    expect(report.data!.campaignReport.totals.sends).toBe(30);
    expect(section.verdict.length).toBeGreaterThan(20);
  });

  it("should attribute a campaign named by key when render gets a free-form campaignId", async () => {
    const db = t.app.runtime.kernel.dataSource;
    const saved = await t.gql<{ saveTemplate: { template: { id: string } } }>(
      `mutation($input: SaveTemplateInput!) { saveTemplate(input: $input) { template { id } } }`,
      { input: { name: "keyed", mjml: MJML, subject: "Hello", sampleData: {} } },
      ws.keys.editor,
    );
    const templateId = saved.data!.saveTemplate.template.id;
    const [profile] = await db.query(`INSERT INTO profiles (workspace_id, traits, known) VALUES ($1, '{}'::jsonb, true) RETURNING id`, [ws.id]);
    const res = await t.gql<{ render: { html: string } }>(`query($t: ID!, $p: ID!, $c: String) { render(templateId: $t, profileId: $p, campaignId: $c) { html } }`, { t: templateId, p: profile.id, c: "autumn-2026" }, ws.keys.renderer);
    expect(res.errors).toBeUndefined();
    const link = [...res.data!.render.html.matchAll(/href="([^"]+\/t\/c\/[^"]+)"/g)][0][1];
    expect((await fetch(`${t.baseUrl}${new URL(link).pathname}`, { redirect: "manual" })).status).toBe(302);
    const report = await t.gql<{ campaignReport: { campaign: { key: string; name: string }; totals: { sends: number; clicks: number; opens: number } } }>(
      `query($id: ID!) { campaignReport(id: $id) { campaign { key name } totals { sends clicks opens } } }`,
      { id: "autumn-2026" },
      ws.keys.analyst,
    );
    expect(report.errors).toBeUndefined();
    expect(report.data!.campaignReport).toEqual({ campaign: { key: "autumn-2026", name: "autumn-2026" }, totals: { sends: 1, clicks: 1, opens: 1 } });
  });
});

import type { DataSource } from "typeorm";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { insertProfile, RENDER_BATCH, SAVE_TEMPLATE } from "./fixtures";

const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hi {{ profile.first_name | default: 'there' }} ({{ experiment.variant | default: 'none' }})</mj-text>
  <mj-button href="https://shop.example.com/deal">Deal</mj-button>
</mj-column></mj-section></mj-body></mjml>`;

interface Email {
  profileId: string;
  subject: string;
  html: string;
  personalization: { fallback: boolean };
}

describe("rendering with a running experiment", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let db: DataSource;
  let templateId: string;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("exp-render");
    db = t.app.runtime.kernel.dataSource;
    for (let i = 0; i < 40; i++) ids.push(await insertProfile(db, ws.id, { first_name: `P${i}` }));
    const saved = await t.gql<{ saveTemplate: { template: { id: string } } }>(SAVE_TEMPLATE, { input: { name: "exp", mjml: MJML, subject: "Hello {{ profile.first_name }}", fallback: { subject: "Our news", preheader: "", mjml: "<mjml><mj-body><mj-section><mj-column><mj-text>News</mj-text></mj-column></mj-section></mj-body></mjml>" } } }, ws.keys.editor);
    templateId = saved.data!.saveTemplate.template.id;
    const created = await t.gql<{ createExperiment: { experiment: { id: string } } }>(
      `mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { experiment { id } } }`,
      { input: { name: "subject test", kind: "SUBJECT", templateId, holdoutShare: 0.2, variants: [{ key: "A", control: true, subject: "Hello {{ profile.first_name }}" }, { key: "B", subject: "Special for {{ profile.first_name }}" }] } },
      ws.keys.editor,
    );
    expect(created.errors).toBeUndefined();
    const started = await t.gql(`mutation($input: ExperimentIdInput!) { startExperiment(input: $input) { experiment { id } } }`, { input: { id: created.data!.createExperiment.experiment.id } }, ws.keys.editor);
    expect(started.errors).toBeUndefined();
  });
  afterAll(() => t.stop());

  it("should render each arm's subject, give holdouts the fallback and record exposures when a campaign renders", async () => {
    const res = await t.gql<{ renderBatch: { emails: (Email & { personalization: { variant: string | null; experimentId: string | null } })[] } }>(
      RENDER_BATCH.replace("personalization { templateVersion", "personalization { variant experimentId templateVersion"),
      { t: templateId, ids, first: 100, c: "spring-campaign" },
      ws.keys.renderer,
    );
    expect(res.errors).toBeUndefined();
    const emails = res.data!.renderBatch.emails;
    expect(emails).toHaveLength(40);
    const byArm = new Map<string, typeof emails>();
    for (const e of emails) byArm.set(e.personalization.variant ?? "?", [...(byArm.get(e.personalization.variant ?? "?") ?? []), e]);
    expect(byArm.get("A")?.length).toBeGreaterThan(0);
    expect(byArm.get("B")?.length).toBeGreaterThan(0);
    for (const e of byArm.get("A")!) expect([e.subject, e.personalization.fallback, e.html.includes("(A)")]).toEqual([expect.stringMatching(/^Hello P\d+$/), false, true]);
    for (const e of byArm.get("B")!) expect(e.subject).toMatch(/^Special for P\d+$/);
    const holdouts = emails.filter((e) => e.personalization.fallback);
    expect(holdouts.length).toBeGreaterThan(0);
    for (const e of holdouts) expect([e.subject, e.html.includes("News")]).toEqual(["Our news", true]);
    expect(emails.every((e) => e.personalization.experimentId)).toBe(true);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM experiment_exposures WHERE workspace_id = $1`, [ws.id]);
    expect(n).toBe(40);
    // the same render again is the same exposure (idempotent per campaign and profile) and the same arm
    const again = await t.gql<{ renderBatch: { emails: { personalization: { variant: string | null } }[] } }>(RENDER_BATCH.replace("personalization { templateVersion", "personalization { variant templateVersion"), { t: templateId, ids, first: 100, c: "spring-campaign" }, ws.keys.renderer);
    expect(again.data!.renderBatch.emails.map((e) => e.personalization.variant)).toEqual(emails.map((e) => e.personalization.variant));
    const [{ n: after }] = await db.query(`SELECT count(*)::int AS n FROM experiment_exposures WHERE workspace_id = $1`, [ws.id]);
    expect(after).toBe(40);
  });
});

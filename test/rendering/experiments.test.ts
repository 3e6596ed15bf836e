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

  it("should render each arm's content block and template version when an experiment overrides them", async () => {
    const block = await t.gql<{ saveContentBlock: { block: { id: string } } }>(
      `mutation($input: SaveContentBlockInput!) { saveContentBlock(input: $input) { block { id } } }`,
      { input: { name: "hero", kind: "CUSTOM", body: "<mj-section><mj-column><mj-text>Stored hero for {{ profile.first_name }}</mj-text></mj-column></mj-section>" } },
      ws.keys.editor,
    );
    expect(block.errors).toBeUndefined();
    const withHero = `<mjml><mj-body>{% content_block 'hero' %}<mj-section><mj-column><mj-text>Body</mj-text></mj-column></mj-section></mj-body></mjml>`;
    const heroTemplate = await t.gql<{ saveTemplate: { template: { id: string } } }>(SAVE_TEMPLATE, { input: { name: "exp-block", mjml: withHero, subject: "Hero" } }, ws.keys.editor);
    expect(heroTemplate.errors).toBeUndefined();
    const heroId = heroTemplate.data!.saveTemplate.template.id;
    // arm A keeps the stored block (by its id), arm B replaces the slot with its own body
    await startExperiment({ name: "hero test", kind: "BLOCK", templateId: heroId, variants: [{ key: "A", control: true, blocks: { hero: block.data!.saveContentBlock.block.id } }, { key: "B", blocks: { hero: "<mj-section><mj-column><mj-text>New hero, {{ profile.first_name }}!</mj-text></mj-column></mj-section>" } }] });
    const versioned = async (mjml: string) => {
      const res = await t.gql<{ saveTemplate: { template: { id: string }; version: { id: string } } }>(SAVE_TEMPLATE, { input: { name: "exp-version", mjml, subject: "Version" } }, ws.keys.editor);
      expect(res.errors).toBeUndefined();
      return res.data!.saveTemplate;
    };
    const v1 = await versioned(`<mjml><mj-body><mj-section><mj-column><mj-text>Layout one for {{ profile.first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>`);
    const v2 = await t.gql<{ saveTemplate: { version: { id: string } } }>(SAVE_TEMPLATE, { input: { id: v1.template.id, name: "exp-version", mjml: `<mjml><mj-body><mj-section><mj-column><mj-text>Layout two</mj-text></mj-column></mj-section></mj-body></mjml>`, subject: "Version" } }, ws.keys.editor);
    expect(v2.errors).toBeUndefined();
    await startExperiment({ name: "layout test", kind: "TEMPLATE", templateId: v1.template.id, variants: [{ key: "one", control: true, templateVersionId: v1.version.id }, { key: "two", templateVersionId: v2.data!.saveTemplate.version.id }] });

    const query = RENDER_BATCH.replace("personalization { templateVersion", "personalization { variant templateVersion");
    const heroes = await t.gql<{ renderBatch: { emails: (Email & { profileId: string; personalization: { variant: string; templateVersion: number } })[]; problems: unknown[] } }>(query, { t: heroId, ids, first: 100 }, ws.keys.renderer);
    expect([heroes.errors, heroes.data!.renderBatch.problems]).toEqual([undefined, []]);
    const names = new Map(ids.map((id, i) => [id, `P${i}`]));
    const arms = new Set<string>();
    for (const e of heroes.data!.renderBatch.emails) {
      arms.add(e.personalization.variant);
      const expected = e.personalization.variant === "B" ? `New hero, ${names.get(e.profileId)}!` : `Stored hero for ${names.get(e.profileId)}`;
      expect([e.personalization.variant, e.html.includes(expected), e.html.includes(e.personalization.variant === "B" ? "Stored hero" : "New hero")]).toEqual([e.personalization.variant, true, false]);
    }
    expect([...arms].sort()).toEqual(["A", "B"]);

    const layouts = await t.gql<{ renderBatch: { emails: (Email & { profileId: string; personalization: { variant: string; templateVersion: number } })[]; problems: unknown[] } }>(query, { t: v1.template.id, ids, first: 100 }, ws.keys.renderer);
    expect([layouts.errors, layouts.data!.renderBatch.problems]).toEqual([undefined, []]);
    const seen = new Set<string>();
    for (const e of layouts.data!.renderBatch.emails) {
      seen.add(e.personalization.variant);
      if (e.personalization.variant === "one") expect([e.personalization.templateVersion, e.html.includes(`Layout one for ${names.get(e.profileId)}`)]).toEqual([1, true]);
      else expect([e.personalization.variant, e.personalization.templateVersion, e.html.includes("Layout two"), e.html.includes("Layout one")]).toEqual(["two", 2, true, false]);
    }
    expect([...seen].sort()).toEqual(["one", "two"]);
    // a single render of a recipient is the same email as its batch render
    const first = layouts.data!.renderBatch.emails[0];
    const single = await t.gql<{ render: { html: string } }>(`query($t: ID!, $p: ID!) { render(templateId: $t, profileId: $p) { html } }`, { t: v1.template.id, p: first.profileId }, ws.keys.renderer);
    expect(single.data!.render.html).toBe(first.html);
  });

  it("should load the sources an arm's block reads when the template itself does not read them", async () => {
    const risky = [await insertProfile(db, ws.id, { first_name: "R1" }, { churn_risk: 0.9 }), await insertProfile(db, ws.id, { first_name: "R2" }, { churn_risk: 0.9 })];
    const block = await t.gql(`mutation($input: SaveContentBlockInput!) { saveContentBlock(input: $input) { block { id } } }`, { input: { name: "risk-slot", kind: "CUSTOM", body: "<mj-section><mj-column><mj-text>Stored</mj-text></mj-column></mj-section>" } }, ws.keys.editor);
    expect(block.errors).toBeUndefined();
    const mjml = `<mjml><mj-body>{% content_block 'risk-slot' %}<mj-section><mj-column><mj-text>Plain</mj-text></mj-column></mj-section></mj-body></mjml>`;
    const saved = await t.gql<{ saveTemplate: { template: { id: string } } }>(SAVE_TEMPLATE, { input: { name: "exp-sources", mjml, subject: "S" } }, ws.keys.editor);
    expect(saved.errors).toBeUndefined();
    const id = saved.data!.saveTemplate.template.id;
    // a single arm (plus a holdout) whose block reads predictions, which the stored block does not
    await startExperiment({ name: "risk block", kind: "BLOCK", templateId: id, holdoutShare: 0.01, variants: [{ key: "risk", blocks: { "risk-slot": "<mj-section><mj-column><mj-text>Risk {{ predictions.churn_risk }}</mj-text></mj-column></mj-section>" } }] });
    const res = await t.gql<{ renderBatch: { emails: { html: string; personalization: { variant: string; sources: string[] } }[]; problems: unknown[] } }>(
      RENDER_BATCH.replace("personalization { templateVersion", "personalization { variant templateVersion"),
      { t: id, ids: risky, first: 10 },
      ws.keys.renderer,
    );
    expect([res.errors, res.data!.renderBatch.problems]).toEqual([undefined, []]);
    const arm = res.data!.renderBatch.emails.filter((e) => e.personalization.variant === "risk");
    expect(arm.length).toBeGreaterThan(0);
    for (const e of arm) expect([e.html.includes("Risk 0.9"), e.personalization.sources]).toEqual([true, ["predictions"]]);
  });

  async function startExperiment(input: Record<string, unknown>): Promise<void> {
    const created = await t.gql<{ createExperiment: { experiment: { id: string } } }>(`mutation($input: CreateExperimentInput!) { createExperiment(input: $input) { experiment { id } } }`, { input }, ws.keys.editor);
    expect(created.errors).toBeUndefined();
    const started = await t.gql(`mutation($input: ExperimentIdInput!) { startExperiment(input: $input) { experiment { id } } }`, { input: { id: created.data!.createExperiment.experiment.id } }, ws.keys.editor);
    expect(started.errors).toBeUndefined();
  }
});

import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { NEWSLETTER_MJML, NEWSLETTER_PREHEADER, NEWSLETTER_SAMPLE_DATA, NEWSLETTER_SUBJECT } from "../../src/rendering/starter-content";
import { DecisionFixtures, SAVE_TEMPLATE } from "./fixtures";

type Problem = { path: string; message: string };
const problemsOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => (res.errors?.[0]?.extensions?.problems ?? []) as Problem[];
const SAVE_BLOCK = `mutation($input: SaveContentBlockInput!) { saveContentBlock(input: $input) { block { id name kind latestVersion } version { version body } } }`;

const simple = (body: string) => `<mjml>\n  <mj-body>\n    <mj-section>\n      <mj-column>\n${body}\n      </mj-column>\n    </mj-section>\n  </mj-body>\n</mjml>`;

describe("templates", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  const fixtures = new DecisionFixtures();

  beforeAll(async () => {
    t = await startTestApp({}, [fixtures.module()]);
    ws = await t.createWorkspace("tpl");
  });
  afterAll(() => t.stop());

  const save = (input: Record<string, unknown>, key = ws.keys.editor) => t.gql<{ saveTemplate: { template: { id: string; latestVersion: number }; version: { version: number; blockVersions: Record<string, number> } } }>(SAVE_TEMPLATE, { input }, key);

  it("should store a realistic newsletter as version 1 when it is valid", async () => {
    const res = await save({ name: "newsletter", mjml: NEWSLETTER_MJML, subject: NEWSLETTER_SUBJECT, preheader: NEWSLETTER_PREHEADER, sampleData: NEWSLETTER_SAMPLE_DATA });
    expect(res.errors).toBeUndefined();
    expect(res.data!.saveTemplate.version.version).toBe(1);
    const again = await save({ id: res.data!.saveTemplate.template.id, name: "newsletter", mjml: NEWSLETTER_MJML, subject: "Changed", preheader: "", sampleData: NEWSLETTER_SAMPLE_DATA });
    expect(again.data!.saveTemplate.version.version).toBe(2);
    expect(again.data!.saveTemplate.template.latestVersion).toBe(2);
  });

  it("should report MJML errors with line numbers and store nothing when the MJML is invalid", async () => {
    const mjml = simple(`        <mj-text>ok</mj-text>\n        <mj-image src="x.png" unknown-attr="1" />\n        <mj-text padding="banana">bad</mj-text>`);
    const res = await save({ name: "bad-mjml", mjml, subject: "s" });
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const problems = problemsOf(res);
    expect(problems.some((p) => p.path === "input.mjml" && /^line 6: .*unknown-attr/i.test(p.message))).toBe(true);
    expect(problems.some((p) => p.path === "input.mjml" && /^line 7: /.test(p.message))).toBe(true);
    const count = await t.app.runtime.kernel.dataSource.query(`SELECT count(*)::int AS n FROM templates WHERE workspace_id = $1 AND name = 'bad-mjml'`, [ws.id]);
    expect(count[0].n).toBe(0);
  });

  it("should report Liquid syntax errors with line and column in every field at once when Liquid is broken", async () => {
    const mjml = simple(`        <mj-text>Hi {{ profile.first_name </mj-text>`);
    const res = await save({ name: "bad-liquid", mjml, subject: "{% if profile.x %}open", preheader: "{{ profile.a | nope_filter }}" });
    const problems = problemsOf(res);
    expect(problems.find((p) => p.path === "input.mjml")?.message).toMatch(/^line 5, column \d+: /);
    expect(problems.find((p) => p.path === "input.subject")?.message).toMatch(/^line 1, column 1: .*not closed/i);
    expect(problems.find((p) => p.path === "input.preheader")?.message).toMatch(/undefined filter: nope_filter/);
  });

  it("should report unknown variables, tags and content blocks when a template uses them", async () => {
    const mjml = simple(`        <mj-text>{{ loyalty_tier }} {% frobnicate %}</mj-text>\n        <mj-raw>{% content_block 'missing-block' %}</mj-raw>`);
    const problems = problemsOf(await save({ name: "unknowns", mjml, subject: "{{ nickname }}" }));
    const text = problems.map((p) => `${p.path}: ${p.message}`).join("\n");
    expect(text).toMatch(/input\.mjml: line 6: unknown content block "missing-block"/);
    expect(text).toMatch(/tag "?frobnicate"? not found/);
    expect(text).toMatch(/input\.subject: line 1, column 4: unknown variable "nickname"/);
  });

  it("should accept a top-level trait when the sample data documents it", async () => {
    const mjml = simple(`        <mj-text>{{ loyalty_tier | default: 'none' }}</mj-text>`);
    const res = await save({ name: "documented", mjml, subject: "x", sampleData: { profile: { loyalty_tier: "gold" } } });
    expect(res.errors).toBeUndefined();
  });

  it("should refuse a fallback that uses personal data when saving", async () => {
    const mjml = simple(`        <mj-text>Hi {{ profile.first_name }}</mj-text>`);
    const problems = problemsOf(await save({ name: "bad-fallback", mjml, subject: "x", fallback: { subject: "Hi {{ profile.first_name }}", preheader: "", mjml } }));
    expect(problems.some((p) => p.path === "input.fallback" && /non-personal/.test(p.message))).toBe(true);
  });

  it("should version content blocks and pin the version a template was saved with", async () => {
    const first = await t.gql<{ saveContentBlock: { block: { latestVersion: number }; version: { body: string } } }>(SAVE_BLOCK, { input: { name: "cart", kind: "CART_REMINDER" } }, ws.keys.editor);
    expect(first.errors).toBeUndefined();
    expect(first.data!.saveContentBlock.version.body).toMatch(/cart.items/);
    const mjml = `<mjml><mj-body>{% content_block 'cart' %}</mj-body></mjml>`;
    const saved = await save({ name: "with-block", mjml, subject: "x" });
    expect(saved.errors).toBeUndefined();
    expect(saved.data!.saveTemplate.version.blockVersions).toEqual({ cart: 1 });
    const second = await t.gql<{ saveContentBlock: { block: { latestVersion: number } } }>(SAVE_BLOCK, { input: { name: "cart", kind: "CUSTOM", body: "<mj-section><mj-column><mj-text>v2</mj-text></mj-column></mj-section>" } }, ws.keys.editor);
    expect(second.data!.saveContentBlock.block.latestVersion).toBe(2);
  });

  it("should reject an invalid block body with its problems when saving a block", async () => {
    const res = await t.gql(SAVE_BLOCK, { input: { name: "broken", kind: "CUSTOM", body: "<mj-section><mj-column><mj-text>{% if %}</mj-text></mj-column></mj-section>" } }, ws.keys.editor);
    expect(problemsOf(res)[0].path).toBe("input.body");
  });

  it("should forbid saving when the key's role is analyst or renderer", async () => {
    for (const key of [ws.keys.analyst, ws.keys.renderer]) {
      const res = await save({ name: "forbidden", mjml: simple("<mj-text>x</mj-text>"), subject: "x" }, key);
      expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
  });
});

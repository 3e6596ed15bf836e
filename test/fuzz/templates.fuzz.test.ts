import fc from "fast-check";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";

const SAVE = `mutation($input: SaveTemplateInput!) { saveTemplate(input: $input) { template { id } } }`;
const RENDER = `query($t: ID!, $p: ID!) { render(templateId: $t, profileId: $p) { subject html text } }`;
const simple = (body: string) => `<mjml><mj-body><mj-section><mj-column><mj-text>${body}</mj-text></mj-column></mj-section></mj-body></mjml>`;
const HANG_MS = 15_000;

// Liquid an attacker (or a careless editor) writes: runaway loops, deep nesting, includes, bad syntax.
const hostileLiquid = fc.oneof(
  fc.constantFrom(
    "{% for i in (1..100000000) %}{{ i }}{% endfor %}",
    "{% for a in (1..10000) %}{% for b in (1..10000) %}x{% endfor %}{% endfor %}",
    "{% include '/etc/passwd' %}",
    "{% render '../../secrets' %}",
    "{% assign s = 'x' %}{% for i in (1..30) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}",
    "{{ 'x' | repeat: 100000000 }}",
    "{% if %}{% endif",
    "{{ profile.__proto__.constructor }}",
    "{{ profile.traits.constructor.constructor('return process')() }}",
    "{% raw %}{{ unclosed",
    "{{ 1 | divided_by: 0 }}",
    "{{ profile.first_name | truncate: -5 }}",
    "{{ 9999999999999999999999 | times: 9999999999999999999 }}",
    "{% comment %}",
  ),
  fc.integer({ min: 50, max: 400 }).map((n) => `${"{% if true %}".repeat(n)}deep${"{% endif %}".repeat(n)}`),
  fc.string({ maxLength: 60 }).map((s) => `{{ ${s} }}`),
  fc.string({ maxLength: 60 }).map((s) => `{% ${s} %}`),
);

describe("hostile templates", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let profileId: string;

  beforeAll(async () => {
    t = await startTestApp({ KINDRED_RATE_LIMIT_PER_SECOND: "0" });
    ws = await t.createWorkspace("liquid");
    // Traits that look like Liquid and HTML: they must come out as text, never be executed.
    const res = await t.gql<{ identify: { profile: { id: string } } }>(
      `mutation($t: JSONObject) { identify(input: { identifiers: { user_id: "liquid-victim" }, traits: $t }) { profile { id } } }`,
      { t: { first_name: "{{ 7 | times: 6 }}{% for i in (1..3) %}LOOP{% endfor %}<script>alert(1)</script>" } },
      ws.keys.ingest,
    );
    profileId = res.data!.identify.profile.id;
  });
  afterAll(() => t.stop());

  async function post(query: string, variables: Record<string, unknown>, key: string) {
    const started = Date.now();
    const res = await fetch(t.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(HANG_MS) });
    const body = (await res.json()) as { data?: Record<string, any> | null; errors?: { extensions?: { code?: string } }[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
    return { status: res.status, body, ms: Date.now() - started };
  }

  it("should save or refuse hostile Liquid with a clear error and render it without a 500 or a hang", async () => {
    const findings: string[] = [];
    let runs = 0;
    const tally = { saved: 0, refused: 0, rendered: 0, renderRefused: 0 };
    await fc.assert(
      fc.asyncProperty(hostileLiquid, hostileLiquid, async (body, subject) => {
        const saved = await post(SAVE, { input: { name: `fuzz-${++runs}`, mjml: simple(`Hi {{ profile.first_name }} ${body}`), subject: subject.slice(0, 2000) } }, ws.keys.editor);
        const code = saved.body.errors?.[0]?.extensions?.code;
        if (saved.status >= 500 || (code && !["BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"].includes(code))) findings.push(`save ${code} ${body.slice(0, 80)}`);
        const id = saved.body.data?.saveTemplate?.template.id as string | undefined;
        if (!id) return void tally.refused++;
        tally.saved++;
        const rendered = await post(RENDER, { t: id, p: profileId }, ws.keys.renderer);
        const renderCode = rendered.body.errors?.[0]?.extensions?.code;
        if (rendered.status >= 500 || (renderCode && renderCode !== "BAD_USER_INPUT")) findings.push(`render ${renderCode} ${body.slice(0, 80)}`);
        if (rendered.body.data?.render) tally.rendered++;
        else tally.renderRefused++;
        const html = String(rendered.body.data?.render?.html ?? "");
        if (html.includes("LOOPLOOP") || html.includes("<script>alert(1)")) findings.push(`trait content executed or unescaped: ${body.slice(0, 80)}`);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 15), seed: Number(process.env.FUZZ_SEED ?? 20261123), endOnFailure: true },
    );
    console.log(`templates: ${JSON.stringify(tally)}`);
    expect(findings).toEqual([]);
    expect(tally.saved).toBeGreaterThan(0);
  });
});

import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { NEWSLETTER_MJML, NEWSLETTER_PREHEADER, NEWSLETTER_SAMPLE_DATA, NEWSLETTER_SUBJECT } from "../../src/rendering/starter-content";
import { DecisionFixtures, insertItems, insertProfile, RENDER, RENDER_BATCH, SAVE_TEMPLATE } from "./fixtures";

interface Rendered {
  profileId: string;
  subject: string;
  preheader: string;
  html: string;
  text: string;
  personalization: { templateVersion: number; locale: string | null; fallback: boolean; segments: string[]; sources: string[]; recommendations: { strategy: string; modelVersion: string | null; itemIds: string[] }[] };
}
interface Batch {
  emails: Rendered[];
  problems: { profileId: string; message: string }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const simple = (body: string) => `<mjml><mj-body><mj-section><mj-column>${body}</mj-column></mj-section></mj-body></mjml>`;

describe("render", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let db: DataSource;
  const fixtures = new DecisionFixtures();
  let newsletter: string;
  const ids: Record<string, string> = {};

  const save = async (input: Record<string, unknown>): Promise<string> => {
    const res = await t.gql<{ saveTemplate: { template: { id: string } } }>(SAVE_TEMPLATE, { input }, ws.keys.editor);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.saveTemplate.template.id;
  };
  const render = async (templateId: string, profileId: string, vars: Record<string, unknown> = {}, key = ws.keys.renderer) => t.gql<{ render: Rendered }>(RENDER, { t: templateId, p: profileId, ...vars }, key);
  const one = async (templateId: string, profileId: string, vars: Record<string, unknown> = {}) => {
    const res = await render(templateId, profileId, vars);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.render;
  };
  const batch = async (vars: Record<string, unknown>) => {
    const res = await t.gql<{ renderBatch: Batch }>(RENDER_BATCH, vars, ws.keys.renderer);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.renderBatch;
  };

  beforeAll(async () => {
    t = await startTestApp({}, [fixtures.module()]);
    ws = await t.createWorkspace("render");
    db = t.app.runtime.kernel.dataSource;
    await insertItems(db, ws.id, 8);
    ids.full = await insertProfile(db, ws.id, { first_name: "Ada", last_name: "Lovelace", email: "ada@example.com", city: "London", tier: "gold", points: 1200, purchase_history: ["Electronics", "Books"], timezone: "Asia/Tokyo" }, { engagement_score: 82 });
    ids.bare = await insertProfile(db, ws.id, {});
    ids.silver = await insertProfile(db, ws.id, { first_name: "Bob", tier: "silver", purchase_history: ["Books"] }, { engagement_score: 90 });
    ids.xss = await insertProfile(db, ws.id, { first_name: "<script>alert(1)</script>", tier: "gold" });
    ids.denied = await insertProfile(db, ws.id, { first_name: "Dora", tier: "gold" });
    ids.french = await insertProfile(db, ws.id, { first_name: "Émile", locale: "fr-FR" });
    ids.scored = await insertProfile(db, ws.id, { first_name: "Sam" }, { churn_risk: 0.9 });
    fixtures.segments.set(ids.full, ["cart-abandoners", "vip"]);
    fixtures.segments.set(ids.denied, ["cart-abandoners"]);
    fixtures.predictions.set(ids.full, { churn_risk: 0.8 });
    await t.app.runtime.registry.get<{ set(ws: string, id: string, d: unknown[]): Promise<unknown> }>({ name: "consent" } as never).set(ws.id, ids.denied, [{ purpose: "personalization", status: "DENIED" }]);
    newsletter = await save({ name: "newsletter", mjml: NEWSLETTER_MJML, subject: NEWSLETTER_SUBJECT, preheader: NEWSLETTER_PREHEADER, sampleData: NEWSLETTER_SAMPLE_DATA, locales: [{ locale: "fr", subject: "{{ profile.first_name | default: 'Salut' }}, vos idées de la semaine" }] });
  });
  afterAll(() => t.stop());

  it("should show every conditional section when the profile has all the traits", async () => {
    const r = await one(newsletter, ids.full);
    expect(r.subject).toBe("Ada, your weekly picks are here");
    expect(r.preheader).toBe("Gold perks inside. New arrivals picked for you.");
    expect(r.html).toContain("Hi Ada,");
    expect(r.html).toContain("GOLD</span> You have 1200 points, Ada.");
    expect(r.html).toContain("New in Electronics");
    expect(r.html).toContain("Your cart misses you, Ada.");
    expect(r.html).toContain("We miss you!");
    expect(r.html).toContain("Store near you");
    expect(r.text).toContain("Hi Ada,");
    expect(r.text).toMatch(/Item \d+\n\n\$1\d\.00/);
    expect(r.personalization.segments).toEqual(["cart-abandoners", "vip"]);
    expect(r.personalization.recommendations).toEqual([{ strategy: "POPULAR", modelVersion: "fixture-1", itemIds: expect.arrayContaining([expect.stringMatching(/^sku-/)]) }]);
    expect(r.personalization.recommendations[0].itemIds).toHaveLength(4);
    expect(r.personalization.sources).toEqual(expect.arrayContaining(["profile", "segments", "predictions", "recommendations"]));
    for (const id of r.personalization.recommendations[0].itemIds) expect(r.html).toContain(`Item ${id.slice(4)}`);
  });

  it("should fall back to defaults and hide sections when the profile has no traits", async () => {
    const r = await one(newsletter, ids.bare);
    expect(r.subject).toBe("Hey, your weekly picks are here");
    expect(r.preheader).toBe("New arrivals picked for you.");
    expect(r.html).toContain("Hi there,");
    expect(r.html).toContain("Thanks for being with us, friend.");
    for (const absent of ["GOLD", "New in Electronics", "Your cart misses you", "Only a few more orders"]) expect(r.html).not.toContain(absent);
  });

  it("should take each branch on its own trait when only some traits are present", async () => {
    const r = await one(newsletter, ids.silver);
    expect(r.html).toContain("Only a few more orders until Gold, Bob!");
    // engagement is high but the purchase history lacks Electronics: the `and` must fail
    expect(r.html).not.toContain("New in Electronics");
    expect(r.html).not.toContain("Your cart misses you");
  });

  it("should HTML-escape a trait holding a script tag when rendering HTML", async () => {
    const r = await one(newsletter, ids.xss);
    expect(r.html).not.toContain("<script>alert(1)</script>");
    expect(r.html).toContain("Hi &lt;script&gt;alert(1)&lt;/script&gt;,");
  });

  it("should render the non-personal version when personalization consent is denied", async () => {
    const r = await one(newsletter, ids.denied);
    expect(r.personalization.fallback).toBe(true);
    expect(r.personalization.segments).toEqual([]);
    expect(r.html).toContain("Hi there,");
    expect(r.html).not.toContain("Dora");
    expect(r.html).not.toContain("Your cart misses you");
    const withFallback = await save({ name: "has-fallback", mjml: simple("<mj-text>Hello {{ profile.first_name }}</mj-text>"), subject: "Hi {{ profile.first_name }}", fallback: { subject: "News for you", preheader: "", mjml: simple("<mj-text>Our weekly news</mj-text>") } });
    const f = await one(withFallback, ids.denied);
    expect([f.subject, f.html.includes("Our weekly news"), f.html.includes("Dora")]).toEqual(["News for you", true, false]);
    expect((await one(withFallback, ids.full)).subject).toBe("Hi Ada");
  });

  it("should use batch-scored predictions from computed traits when the profile has them", async () => {
    expect((await one(newsletter, ids.scored)).html).toContain("We miss you!");
    // the online service (here a stand-in answering nothing) is asked only for profiles without stored scores
    fixtures.predictions.set(ids.scored, { churn_risk: 0.1 });
    expect((await one(newsletter, ids.scored)).html).toContain("We miss you!");
  });

  it("should pick the locale variant when the profile's locale matches its language", async () => {
    const r = await one(newsletter, ids.french);
    expect(r.subject).toBe("Émile, vos idées de la semaine");
    expect(r.personalization.locale).toBe("fr");
  });

  it("should print dates in the recipient's time zone when using the date filter", async () => {
    const id = await save({ name: "tz", mjml: simple("<mj-text>{{ 'now' | date: '%Z %z' }} | {{ context.timezone }}</mj-text>"), subject: "{{ 1700000000 | date: '%H:%M' }}" });
    expect((await one(id, ids.full)).subject).toBe("07:13");
    expect((await one(id, ids.full)).html).toContain("Asia/Tokyo +0900 | Asia/Tokyo");
    expect((await one(id, ids.bare)).subject).toBe("22:13");
    expect((await one(id, ids.bare, { ctx: { timezone: "America/New_York" } })).subject).toBe("17:13");
  });

  it("should render a batch exactly like single renders when paging through explicit ids", async () => {
    const wanted = [ids.full, ids.bare, ids.silver, ids.xss, ids.denied];
    const first = await batch({ t: newsletter, ids: wanted, first: 3 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await batch({ t: newsletter, ids: wanted, first: 3, after: first.pageInfo.endCursor });
    expect(second.pageInfo.hasNextPage).toBe(false);
    const all = [...first.emails, ...second.emails];
    expect(all.map((e) => e.profileId)).toEqual(wanted);
    for (const email of all) {
      const single = await one(newsletter, email.profileId);
      expect({ subject: email.subject, preheader: email.preheader, html: email.html, text: email.text }).toEqual({ subject: single.subject, preheader: single.preheader, html: single.html, text: single.text });
    }
  });

  it("should report unknown profiles without sinking the rest when a batch has them", async () => {
    const ghost = randomUUID();
    const res = await batch({ t: newsletter, ids: [ids.full, ghost, ids.bare], first: 10 });
    expect(res.emails.map((e) => e.profileId)).toEqual([ids.full, ids.bare]);
    expect(res.problems).toEqual([{ profileId: ghost, message: "profile not found" }]);
    const bad = await t.gql(RENDER_BATCH, { t: newsletter, ids: [ids.full, "nope"], first: 10 }, ws.keys.renderer);
    expect(bad.errors?.[0]?.extensions?.problems).toEqual([{ path: "profileIds[1]", message: expect.stringContaining("UUID") }]);
  });

  it("should page through a segment's members when given a segment id", async () => {
    const segmentId = randomUUID();
    fixtures.segmentIds.set(segmentId, "cart-abandoners");
    fixtures.segments.set(ids.silver, ["cart-abandoners"]);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: Batch = await batch({ t: newsletter, seg: segmentId, first: 2, after });
      seen.push(...res.emails.map((e) => e.profileId));
      if (!res.pageInfo.hasNextPage) break;
      after = res.pageInfo.endCursor;
    }
    expect(seen.sort()).toEqual([ids.full, ids.denied, ids.silver].sort());
  });

  it("should load no recommendations when the template does not reference them", async () => {
    const id = await save({ name: "plain", mjml: simple("<mj-text>Hi {{ profile.first_name | default: 'there' }}</mj-text>"), subject: "x" });
    const before = fixtures.recommendCalls;
    const r = await one(id, ids.full);
    expect(fixtures.recommendCalls).toBe(before);
    expect(r.personalization.sources).toEqual(["profile"]);
    expect(r.personalization.recommendations).toEqual([]);
  });

  it("should stop a template looping forever at its CPU-time limit and keep serving when rendering", async () => {
    const id = await save({ name: "forever", mjml: simple("<mj-raw>{% for a in (1..100000) %}{% for b in (1..100000) %}{% for c in (1..100000) %}x{% endfor %}{% endfor %}{% endfor %}</mj-raw>"), subject: "x" });
    const started = Date.now();
    const res = await batch({ t: id, ids: [ids.full, ids.bare], first: 10 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.emails).toEqual([]);
    expect(res.problems.map((p) => p.message)).toEqual([expect.stringMatching(/exceeded its (CPU-time|memory) limit/), expect.stringMatching(/exceeded its (CPU-time|memory) limit/)]);
    expect((await one(newsletter, ids.full)).html).toContain("Hi Ada,");
  });

  it("should refuse output beyond the size limit when a template explodes", async () => {
    const id = await save({ name: "huge", mjml: simple(`<mj-raw>{% assign s = "${"x".repeat(1000)}" %}{% for i in (1..5000) %}{{ s }}{% endfor %}</mj-raw>`), subject: "x" });
    const res = await batch({ t: id, ids: [ids.full], first: 1 });
    expect(res.problems[0].message).toMatch(/limit/);
  });

  it("should refuse other roles and other workspaces when rendering", async () => {
    expect((await render(newsletter, ids.full, {}, ws.keys.ingest)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const other = await t.createWorkspace("other");
    expect((await render(newsletter, ids.full, {}, other.keys.renderer)).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect((await render(newsletter, ids.full, {}, ws.keys.editor)).errors).toBeUndefined();
  });
});

import type { DataSource } from "typeorm";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { recipientBody, signLink, signRecipient, trackingKey, verifyRecipient } from "../../src/rendering/tracking-token";
import { insertProfile, RENDER, SAVE_TEMPLATE } from "./fixtures";

const MJML = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hi {{ profile.first_name | default: 'there' }} <a href="https://shop.example.com/sale?x=1&amp;y=2">Sale</a> <a href="mailto:help@example.com">Help</a></mj-text>
  <mj-button href="https://shop.example.com/p/{{ profile.favorite | default: 'none' }}">Favorite</mj-button>
</mj-column></mj-section></mj-body></mjml>`;

describe("tracking links", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let db: DataSource;
  let templateId: string;
  let direct: string;
  let identified: string;
  const key = () => trackingKey(t.config.secret);

  const get = (path: string) => fetch(`${t.baseUrl}${path}`, { redirect: "manual" });
  const pathOf = (url: string) => new URL(url).pathname;
  const links = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, "&"));
  const eventsOf = (profileId: string, type: string) =>
    db.query(`SELECT type, properties FROM events WHERE workspace_id = $1 AND profile_id = $2 AND type = $3`, [ws.id, profileId, type]) as Promise<{ type: string; properties: Record<string, string> }[]>;

  const renderFor = async (profileId: string) => {
    const res = await t.gql<{ render: { html: string; text: string } }>(RENDER, { t: templateId, p: profileId, c: "spring-sale" }, ws.keys.renderer);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.render;
  };

  beforeAll(async () => {
    t = await startTestApp({ KINDRED_PUBLIC_URL: "https://links.example.com/" });
    ws = await t.createWorkspace("track");
    db = t.app.runtime.kernel.dataSource;
    const saved = await t.gql<{ saveTemplate: { template: { id: string } } }>(SAVE_TEMPLATE, { input: { name: "tracked", mjml: MJML, subject: "s", sampleData: {} } }, ws.keys.editor);
    templateId = saved.data!.saveTemplate.template.id;
    direct = await insertProfile(db, ws.id, { first_name: "Ada", favorite: "boots" });
    const profiles = t.app.runtime.registry.get<{ identify(ws: string, ids: Record<string, string>, traits: Record<string, unknown>): Promise<{ id: string }> }>({ name: "profiles" } as never);
    identified = (await profiles.identify(ws.id, { user_id: "user-42" }, { first_name: "Grace" })).id;
  });
  afterAll(() => t.stop());

  it("should rewrite http links into signed click URLs and add an open pixel when rendering", async () => {
    const r = await renderFor(direct);
    const hrefs = links(r.html);
    expect(hrefs).toContain("mailto:help@example.com");
    const tracked = hrefs.filter((h) => h.includes("/t/c/"));
    expect(tracked).toHaveLength(2);
    for (const href of tracked) expect(href.startsWith("https://links.example.com/t/c/")).toBe(true);
    expect(r.html).toMatch(/<img src="https:\/\/links\.example\.com\/t\/o\/[\w.-]+" width="1" height="1"/);
    expect(r.text).toMatch(/Sale \(https:\/\/links\.example\.com\/t\/c\/[\w.-]+\/[\w.-]+\)/);
    expect(r.html).not.toContain("https://shop.example.com/sale");
  });

  it("should redirect to the original URL with UTM parameters and record a click when the token is valid", async () => {
    const [sale, favorite] = links((await renderFor(direct)).html).filter((h) => h.includes("/t/c/"));
    const res = await get(pathOf(sale));
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe("https://shop.example.com/sale");
    expect(Object.fromEntries(location.searchParams)).toEqual({ x: "1", y: "2", utm_source: "kindred", utm_medium: "email", utm_campaign: "spring-sale", utm_content: "v1" });
    const fav = await get(pathOf(favorite));
    expect(new URL(fav.headers.get("location")!).pathname).toBe("/p/boots");
    const clicks = await eventsOf(direct, "email_click");
    expect(clicks.map((c) => c.properties.url).sort()).toEqual(["https://shop.example.com/p/boots", "https://shop.example.com/sale?x=1&y=2"]);
    expect(clicks[0].properties).toMatchObject({ campaignId: "spring-sale", templateId });
    // a retried hit within the minute is the same event
    await get(pathOf(sale));
    expect(await eventsOf(direct, "email_click")).toHaveLength(2);
  });

  it("should record clicks and opens through event ingestion when the profile has an identifier", async () => {
    const r = await renderFor(identified);
    const click = links(r.html).find((h) => h.includes("/t/c/"))!;
    expect((await get(pathOf(click))).status).toBe(302);
    const pixel = /src="([^"]+\/t\/o\/[^"]+)"/.exec(r.html)![1];
    const open = await get(pathOf(pixel));
    expect([open.status, open.headers.get("content-type")]).toEqual([200, "image/gif"]);
    await get(pathOf(pixel));
    expect(await eventsOf(identified, "email_click")).toHaveLength(1);
    expect((await eventsOf(identified, "email_open")).map((e) => e.properties.campaignId)).toEqual(["spring-sale"]);
  });

  it("should show a safe page and never redirect when the token is tampered with", async () => {
    const [sale] = links((await renderFor(direct)).html).filter((h) => h.includes("/t/c/"));
    const [recipient, link] = pathOf(sale).slice("/t/c/".length).split("/");
    const evil = Buffer.from("https://evil.example.net/phish").toString("base64url");
    const verified = verifyRecipient(key(), recipient, Math.floor(Date.now() / 1000));
    if (!verified.ok) throw new Error(`the rendered token does not verify: ${verified.reason}`);
    const otherProfile = recipientBody({ ...verified.claims, p: identified });
    for (const path of [`/t/c/${recipient}/${evil}.${link.split(".")[1]}`, `/t/c/${otherProfile}.${recipient.split(".")[1]}/${link}`, `/t/c/${recipient}/${link.slice(0, -2)}xx`, `/t/c/${recipient}`]) {
      const res = await get(path);
      expect([res.status, res.headers.get("location")]).toEqual([404, null]);
      expect(await res.text()).toContain("no longer valid");
    }
  });

  it("should refuse open-redirect attempts when the destination is not a signed http URL", async () => {
    const attempts = ["/t/c/https://evil.example.net", "/t/c//evil.example.net", "/t/c/%2F%2Fevil.example.net", "/t/c/?url=https://evil.example.net", "/t/c/javascript:alert(1)"];
    for (const path of attempts) {
      const res = await get(path);
      expect(res.headers.get("location")).toBeNull();
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
    // even a correctly signed token cannot carry a non-http destination
    const recipient = signRecipient(key(), { w: ws.id, p: direct, t: templateId, n: 1, x: 4_000_000_000 });
    for (const bad of ["javascript:alert(1)", "//evil.example.net", "/local"]) expect((await get(`/t/c/${recipient}/${signLink(key(), bad)}`)).headers.get("location")).toBeNull();
  });

  it("should refuse an expired token when its time is up", async () => {
    const expired = signRecipient(key(), { w: ws.id, p: direct, t: templateId, n: 1, x: Math.floor(Date.now() / 1000) - 60 });
    const res = await get(`/t/c/${expired}/${signLink(key(), "https://shop.example.com/old")}`);
    expect([res.status, res.headers.get("location")]).toEqual([410, null]);
    expect((await eventsOf(direct, "email_click")).some((e) => e.properties.url === "https://shop.example.com/old")).toBe(false);
  });

  it("should answer the pixel but record nothing when the open token is invalid", async () => {
    const before = (await eventsOf(direct, "email_open")).length;
    const res = await get("/t/o/not-a-token");
    expect([res.status, res.headers.get("content-type")]).toEqual([200, "image/gif"]);
    expect(await eventsOf(direct, "email_open")).toHaveLength(before);
  });
});

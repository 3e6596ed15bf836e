import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { insertItems, insertProfile, SAVE_TEMPLATE } from "./fixtures";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
// Locally a missing browser only skips this suite; in CI (.ci/run installs Chromium) it must run, so it fails instead.
if (!hasChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: the browser preview test cannot run (apt-get install -y chromium)`);
if (!hasChromium) console.warn(`preview browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);

const MJML = `<mjml><mj-body background-color="#ffffff">
  <mj-section background-color="#1a73e8"><mj-column><mj-text font-size="28px" color="#ffffff">Hello {{ profile.first_name | default: 'there' }}!</mj-text></mj-column></mj-section>
  <mj-section><mj-column>
    <mj-raw>{% if profile.tier == 'gold' %}</mj-raw><mj-text font-size="20px">Your gold perks are waiting</mj-text><mj-raw>{% endif %}</mj-raw>
    <mj-text>{{ profile.first_name }} &lt;3 {{ profile.city | default: 'your city' }}</mj-text>
    <mj-button href="https://shop.example.com/">Shop now</mj-button>
  </mj-column></mj-section>
</mj-body></mjml>`;

(hasChromium ? describe : describe.skip)("preview in a browser", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let browser: Browser;
  let templateId: string;
  let profileId: string;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("preview");
    const db = t.app.runtime.kernel.dataSource;
    await insertItems(db, ws.id, 1);
    profileId = await insertProfile(db, ws.id, { first_name: "Margaret", tier: "gold", city: "Boston" });
    const saved = await t.gql<{ saveTemplate: { template: { id: string } } }>(SAVE_TEMPLATE, { input: { name: "preview", mjml: MJML, subject: "Hi {{ profile.first_name }}" } }, ws.keys.editor);
    templateId = saved.data!.saveTemplate.template.id;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("should show the personalized email in Chromium with a non-trivial screenshot when an editor previews it", async () => {
    const page = await browser.newPage({ viewport: { width: 700, height: 600 } });
    const response = await page.goto(`${t.baseUrl}/preview/${templateId}?profile=${profileId}&key=${ws.keys.editor}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-security-policy"]).toContain("default-src 'none'");
    const text = await page.innerText("body");
    expect(text).toContain("Hello Margaret!");
    expect(text).toContain("Your gold perks are waiting");
    expect(text).toContain("Margaret <3 Boston");
    const shot = await page.screenshot({ fullPage: true });
    expect(shot.subarray(1, 4).toString()).toBe("PNG");
    // a blank page compresses to a few KB; the blue header, text and button make it much larger
    expect(shot.length).toBeGreaterThan(8_000);
    const colors = await page.evaluate<string>(`getComputedStyle(document.querySelector("div[style*='background:#1a73e8']")).backgroundColor`);
    expect(colors).toBe("rgb(26, 115, 232)");
    await page.close();
  });

  it("should refuse the preview when no valid API key is given", async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${t.baseUrl}/preview/${templateId}?profile=${profileId}`);
    expect(response?.status()).toBe(401);
    expect(await page.innerText("body")).not.toContain("Margaret");
    const wrongRole = await page.goto(`${t.baseUrl}/preview/${templateId}?profile=${profileId}&key=${ws.keys.ingest}`);
    expect(wrongRole?.status()).toBe(403);
    await page.close();
  });
});

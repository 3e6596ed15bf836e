import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { EVENT_INGESTION } from "../../src/events/events.module";
import { CONSENT } from "../../src/privacy/consent.module";

const SET = `mutation($input: SetConsentInput!) { setConsent(input: $input) { profileId consents { purpose status source } } }`;
const IDENTIFY = `mutation($input: IdentifyInput!) { identify(input: $input) { profile { id } } }`;

describe("consent", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  const identify = async (identifiers: Record<string, string>) => (await t.gql<{ identify: { profile: { id: string } } }>(IDENTIFY, { input: { identifiers } }, ws.keys.ingest)).data!.identify.profile.id;
  const set = async (profileId: string, decisions: unknown[]) => {
    const res = await t.gql<{ setConsent: { consents: { purpose: string; status: string }[] } }>(SET, { input: { profileId, decisions } }, ws.keys.ingest);
    expect(res.errors).toBeUndefined();
    return res.data!.setConsent;
  };

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("consent");
  });
  afterAll(() => t.stop());

  it("should use the documented defaults when no consent is recorded", async () => {
    const id = await identify({ user_id: "nobody" });
    const consent = t.app.runtime.registry.get(CONSENT);
    expect((await consent.allowed(ws.id, [id], "email_marketing")).get(id)).toBe(false);
    for (const purpose of ["personalization", "profiling", "analytics"] as const) expect((await consent.allowed(ws.id, [id], purpose)).get(id)).toBe(true);
  });

  it("should keep the full history and answer from the latest decision", async () => {
    const id = await identify({ user_id: "history" });
    await set(id, [{ purpose: "EMAIL_MARKETING", status: "GRANTED", source: "signup form", legalBasis: "consent", occurredAt: "2026-01-01T00:00:00Z" }]);
    await set(id, [{ purpose: "EMAIL_MARKETING", status: "REVOKED", source: "unsubscribe link", occurredAt: "2026-02-01T00:00:00Z" }]);
    const res = await t.gql<{ profile: { consents: { status: string }[]; consentHistory: { status: string; source: string }[] } }>(
      `query($id: ID!) { profile(id: $id) { consents { purpose status } consentHistory { purpose status source } } }`, { id }, ws.keys.analyst);
    expect(res.data!.profile.consents.map((c) => c.status)).toEqual(["REVOKED"]);
    expect(res.data!.profile.consentHistory.map((c) => `${c.status}:${c.source}`)).toEqual(["REVOKED:unsubscribe link", "GRANTED:signup form"]);
    expect((await t.app.runtime.registry.get(CONSENT).allowed(ws.id, [id], "email_marketing")).get(id)).toBe(false);
  });

  it("should keep the most restrictive decision and both histories when profiles merge", async () => {
    const a = await identify({ user_id: "merge-a" });
    const b = await identify({ anonymous_id: "merge-b" });
    await set(a, [{ purpose: "EMAIL_MARKETING", status: "GRANTED", occurredAt: "2026-03-01T00:00:00Z" }, { purpose: "PERSONALIZATION", status: "GRANTED" }]);
    await set(b, [{ purpose: "EMAIL_MARKETING", status: "DENIED", occurredAt: "2026-01-01T00:00:00Z" }]);
    const survivor = await identify({ user_id: "merge-a", anonymous_id: "merge-b" });
    expect(survivor).toBe(a);
    const consent = t.app.runtime.registry.get(CONSENT);
    expect((await consent.allowed(ws.id, [a, b], "email_marketing")).get(b)).toBe(false);
    expect((await consent.allowed(ws.id, [a], "personalization")).get(a)).toBe(true);
    const history = await consent.history(ws.id, a, null);
    expect(history.map((h) => `${h.purpose}:${h.status}:${h.source ?? ""}`).sort()).toEqual(["email_marketing:DENIED:", "email_marketing:DENIED:merge", "email_marketing:GRANTED:", "personalization:GRANTED:"]);
  });

  it("should not store behavioural events when analytics is denied, but keep purchases", async () => {
    const id = await identify({ user_id: "no-analytics" });
    await set(id, [{ purpose: "ANALYTICS", status: "DENIED" }]);
    const results = await t.app.runtime.registry.get(EVENT_INGESTION).ingest(ws.id, [
      { messageId: "na-1", type: "page_view", userId: "no-analytics" },
      { messageId: "na-2", type: "purchase", userId: "no-analytics", properties: { orderId: "1", lineItems: [{ itemId: "x", quantity: 1, price: 1 }] } },
    ]);
    expect(results.map((r) => r.status)).toEqual(["ACCEPTED", "ACCEPTED"]);
    expect(results[0].warnings.map((w) => w.code)).toEqual(["not_stored_analytics_denied"]);
    const rows = await t.app.runtime.kernel.dataSource.query(`SELECT message_id FROM events WHERE workspace_id = $1 AND profile_id = $2`, [ws.id, id]);
    expect(rows.map((r: { message_id: string }) => r.message_id)).toEqual(["na-2"]);
  });
});

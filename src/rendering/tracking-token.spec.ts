import { createHmac } from "node:crypto";
import { isSafeDestination, recipientBody, signLink, signRecipient, trackingKey, verifyClick, verifyRecipient, withUtm, type TrackingClaims } from "./tracking-token";

const key = trackingKey("a-server-secret-that-is-long-enough-000");
const claims: TrackingClaims = { w: "ws", p: "p1", t: "t1", n: 3, c: "spring", v: "B", x: 2_000_000_000 };
const url = "https://shop.test/x?a=1";
const click = () => `${signRecipient(key, claims)}/${signLink(key, url)}`;

describe("tracking tokens", () => {
  it("should verify and return the claims with the destination when the click token is untouched", () => {
    expect(verifyClick(key, click(), 1_700_000_000)).toEqual({ ok: true, claims: { ...claims, u: url } });
    expect(verifyRecipient(key, signRecipient(key, claims), 1_700_000_000)).toEqual({ ok: true, claims });
  });

  it("should refuse the token when the destination or the recipient is changed", () => {
    const [recipient, link] = click().split("/");
    const evil = Buffer.from("https://evil.test/").toString("base64url");
    expect(verifyClick(key, `${recipient}/${evil}.${link.split(".")[1]}`, 1)).toEqual({ ok: false, reason: "bad-signature" });
    const other = Buffer.from(JSON.stringify({ ...claims, p: "p2" })).toString("base64url");
    expect(verifyClick(key, `${other}.${recipient.split(".")[1]}/${link}`, 1)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("should refuse a link token used as a recipient token when kinds differ", () => {
    expect(verifyRecipient(key, signLink(key, url), 1).ok).toBe(false);
    expect(verifyClick(key, `${signLink(key, url)}/${signLink(key, url)}`, 1).ok).toBe(false);
  });

  it("should refuse the token when it has expired", () => {
    expect(verifyClick(key, `${signRecipient(key, { ...claims, x: 100 })}/${signLink(key, url)}`, 101)).toEqual({ ok: false, reason: "expired" });
  });

  it("should refuse a token signed with another key when verified", () => {
    expect(verifyClick(trackingKey("another-secret-that-is-long-enough-0000"), click(), 1).ok).toBe(false);
  });

  it("should refuse garbage when it is not a token", () => {
    for (const junk of ["", "abc", "a.b.c", "<script>.x", "%2F%2Fevil.test", "a.b/c.d/e.f", `${click()}/x`]) expect(verifyClick(key, junk, 1)).toEqual({ ok: false, reason: expect.any(String) });
  });

  it("should refuse a signed destination that is not absolute http(s) when verifying", () => {
    expect(verifyClick(key, `${signRecipient(key, claims)}/${signLink(key, "javascript:alert(1)")}`, 1)).toEqual({ ok: false, reason: "malformed" });
  });

  it("should accept only absolute http(s) destinations when checking redirects", () => {
    expect(isSafeDestination("https://shop.test/a")).toBe(true);
    for (const bad of ["//evil.test", "javascript:alert(1)", "/relative", "data:text/html,x", "ftp://x.test", 42]) expect(isSafeDestination(bad)).toBe(false);
  });

  it("should add UTM parameters without overriding existing ones when redirecting", () => {
    const out = new URL(withUtm("https://shop.test/x?utm_source=own", { ...claims, u: url }));
    expect(out.searchParams.get("utm_source")).toBe("own");
    expect(out.searchParams.get("utm_medium")).toBe("email");
    expect(out.searchParams.get("utm_campaign")).toBe("spring");
    expect(out.searchParams.get("utm_content")).toBe("B");
  });

  describe("compact recipient tokens", () => {
    const ids: TrackingClaims = { w: "0b8d3a52-7c1e-4e0f-9a55-1f2e3d4c5b6a", p: "f47ac10b-58cc-4372-a567-0e02b2c3d479", t: "9c5f1e2a-3b4d-4c6e-8f70-a1b2c3d4e5f6", n: 12, c: "spring-sale", v: "B", x: 2_000_000_000 };

    it("should pack UUID claims into a much shorter token that verifies to the same claims when ids are UUIDs", () => {
      const token = signRecipient(key, ids);
      expect(token.length).toBeLessThan(130);
      expect(token.length).toBeLessThan(Buffer.from(JSON.stringify(ids)).toString("base64url").length / 2 + 30);
      expect(verifyRecipient(key, token, 1)).toEqual({ ok: true, claims: ids });
      expect(verifyRecipient(key, signRecipient(key, { ...ids, c: null, v: null }), 1)).toEqual({ ok: true, claims: { ...ids, c: null, v: null } });
    });

    it("should still verify JSON tokens when they were issued before the compact form", () => {
      const body = Buffer.from(JSON.stringify(ids)).toString("base64url");
      const legacy = `${body}.${createHmac("sha256", key).update("r").update(".").update(body).digest().subarray(0, 18).toString("base64url")}`;
      expect(verifyRecipient(key, legacy, 1)).toEqual({ ok: true, claims: ids });
      // ids that are not UUIDs keep the JSON form
      const signed = signRecipient(key, { ...ids, w: "not-a-uuid" });
      expect(Buffer.from(signed.split(".")[0], "base64url").toString()).toMatch(/^\{"w":"not-a-uuid"/);
      expect(verifyRecipient(key, signed, 1)).toEqual({ ok: true, claims: { ...ids, w: "not-a-uuid" } });
    });

    it("should refuse a compact token when another profile is swapped in or the body is cut", () => {
      const [body, signature] = signRecipient(key, ids).split(".");
      const other = recipientBody({ ...ids, p: "11111111-2222-4333-8444-555555555555" });
      expect(verifyRecipient(key, `${other}.${signature}`, 1)).toEqual({ ok: false, reason: "bad-signature" });
      const cut = Buffer.from(body, "base64url").subarray(0, 40).toString("base64url");
      expect(verifyRecipient(key, `${cut}.${signature}`, 1).ok).toBe(false);
      expect(verifyRecipient(key, signRecipient(key, { ...ids, x: 100 }), 101)).toEqual({ ok: false, reason: "expired" });
    });
  });
});

import { isSafeDestination, signToken, trackingKey, verifyToken, withUtm, type TrackingClaims } from "./tracking-token";

const key = trackingKey("a-server-secret-that-is-long-enough-000");
const claims: TrackingClaims = { w: "ws", p: "p1", t: "t1", n: 3, c: "spring", v: "B", u: "https://shop.test/x?a=1", x: 2_000_000_000 };

describe("tracking tokens", () => {
  it("should verify and return the claims when the token is untouched", () => {
    const token = signToken(key, "c", claims);
    expect(verifyToken(key, "c", token, 1_700_000_000)).toEqual({ ok: true, claims });
  });

  it("should refuse the token when one character of the body is changed", () => {
    const token = signToken(key, "c", claims);
    const forged = Buffer.from(JSON.stringify({ ...claims, u: "https://evil.test/" })).toString("base64url") + "." + token.split(".")[1];
    expect(verifyToken(key, "c", forged, 1_700_000_000)).toEqual({ ok: false, reason: "bad-signature" });
    const flipped = (token[0] === "a" ? "b" : "a") + token.slice(1);
    expect(verifyToken(key, "c", flipped, 1_700_000_000).ok).toBe(false);
  });

  it("should refuse an open token used as a click token when kinds differ", () => {
    expect(verifyToken(key, "c", signToken(key, "o", claims), 1_700_000_000)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("should refuse the token when it has expired", () => {
    expect(verifyToken(key, "c", signToken(key, "c", { ...claims, x: 100 }), 101)).toEqual({ ok: false, reason: "expired" });
  });

  it("should refuse a token signed with another key when verified", () => {
    expect(verifyToken(trackingKey("another-secret-that-is-long-enough-0000"), "c", signToken(key, "c", claims), 1).ok).toBe(false);
  });

  it("should refuse garbage when it is not a token", () => {
    for (const junk of ["", "abc", "a.b.c", "<script>.x", "%2F%2Fevil.test"]) expect(verifyToken(key, "c", junk, 1)).toEqual({ ok: false, reason: expect.any(String) });
  });

  it("should accept only absolute http(s) destinations when checking redirects", () => {
    expect(isSafeDestination("https://shop.test/a")).toBe(true);
    for (const bad of ["//evil.test", "javascript:alert(1)", "/relative", "data:text/html,x", "ftp://x.test", 42]) expect(isSafeDestination(bad)).toBe(false);
  });

  it("should add UTM parameters without overriding existing ones when redirecting", () => {
    const url = new URL(withUtm("https://shop.test/x?utm_source=own", claims));
    expect(url.searchParams.get("utm_source")).toBe("own");
    expect(url.searchParams.get("utm_medium")).toBe("email");
    expect(url.searchParams.get("utm_campaign")).toBe("spring");
    expect(url.searchParams.get("utm_content")).toBe("B");
  });
});

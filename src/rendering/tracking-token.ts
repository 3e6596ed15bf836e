import { createHmac, timingSafeEqual } from "node:crypto";

/** What a tracking token carries: who, which send, and (for clicks) where to go. */
export interface TrackingClaims {
  /** workspace */
  w: string;
  /** profile */
  p: string;
  /** template id and version */
  t: string;
  n: number;
  /** campaign and experiment variant, when known */
  c?: string | null;
  v?: string | null;
  /** destination (click tokens only) */
  u?: string;
  /** expiry, epoch seconds */
  x: number;
}

export const TRACKING_TTL_SECONDS = 90 * 24 * 3600;

/** Derives the tracking key from the server secret (never the secret itself). */
export function trackingKey(secret: string): Buffer {
  return createHmac("sha256", secret).update("kindred/tracking-token/v1").digest();
}

function mac(key: Buffer, kind: string, body: string): string {
  return createHmac("sha256", key).update(kind).update(".").update(body).digest().subarray(0, 18).toString("base64url");
}

const PART = /^[\w-]+$/;

function verifyPart(key: Buffer, kind: string, token: string): string | null {
  const parts = token.split(".");
  if (parts.length !== 2 || !PART.test(parts[0]) || !PART.test(parts[1])) return null;
  const expected = Buffer.from(mac(key, kind, parts[0]));
  const given = Buffer.from(parts[1]);
  return expected.length === given.length && timingSafeEqual(expected, given) ? parts[0] : null;
}

/**
 * Signs who received which email (once per recipient): `<base64url json>.<mac>`. Click URLs are
 * `/t/c/<recipient token>/<link token>`, the open pixel `/t/o/<recipient token>`.
 */
export function signRecipient(key: Buffer, claims: TrackingClaims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return `${body}.${mac(key, "r", body)}`;
}

/** Signs a destination on its own: the same URL has the same token in every email, so it is signed once and cached. */
export function signLink(key: Buffer, url: string): string {
  const body = Buffer.from(url).toString("base64url");
  return `${body}.${mac(key, "l", body)}`;
}

/** Why a token was refused. */
export type TokenFailure = "malformed" | "bad-signature" | "expired";
type Verified = { ok: true; claims: TrackingClaims } | { ok: false; reason: TokenFailure };

/** Verifies a recipient token (the open pixel's, and the first half of a click's). */
export function verifyRecipient(key: Buffer, token: string, nowSeconds: number): Verified {
  if (!/^[\w-]+\.[\w-]+$/.test(token)) return { ok: false, reason: "malformed" };
  const body = verifyPart(key, "r", token);
  if (!body) return { ok: false, reason: "bad-signature" };
  let claims: TrackingClaims;
  try {
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (typeof claims?.x !== "number" || typeof claims.w !== "string" || typeof claims.p !== "string") return { ok: false, reason: "malformed" };
  if (claims.x < nowSeconds) return { ok: false, reason: "expired" };
  return { ok: true, claims };
}

/** Verifies `<recipient token>/<link token>`; the destination must be a signed absolute http(s) URL. */
export function verifyClick(key: Buffer, path: string, nowSeconds: number): Verified {
  const [recipient, link, ...rest] = path.split("/");
  if (!recipient || !link || rest.length) return { ok: false, reason: "malformed" };
  const body = verifyPart(key, "l", link);
  if (!body) return { ok: false, reason: /^[\w-]+\.[\w-]+$/.test(link) ? "bad-signature" : "malformed" };
  const url = Buffer.from(body, "base64url").toString("utf8");
  if (!isSafeDestination(url)) return { ok: false, reason: "malformed" };
  const verified = verifyRecipient(key, recipient, nowSeconds);
  return verified.ok ? { ok: true, claims: { ...verified.claims, u: url } } : verified;
}

/** Only absolute http(s) URLs are ever redirected to. */
export function isSafeDestination(url: unknown): url is string {
  if (typeof url !== "string") return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && Boolean(parsed.hostname);
  } catch {
    return false;
  }
}

/** Adds UTM parameters the link does not already set. */
export function withUtm(url: string, claims: TrackingClaims): string {
  const parsed = new URL(url);
  const set = (key: string, value: string | null | undefined) => {
    if (value && !parsed.searchParams.has(key)) parsed.searchParams.set(key, value);
  };
  set("utm_source", "kindred");
  set("utm_medium", "email");
  set("utm_campaign", claims.c ?? claims.t);
  set("utm_content", claims.v ?? `v${claims.n}`);
  return parsed.toString();
}

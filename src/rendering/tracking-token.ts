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

/** Signs claims for one kind ("c" click, "o" open): `<base64url json>.<mac>`. */
export function signToken(key: Buffer, kind: "c" | "o", claims: TrackingClaims): string {
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return `${body}.${mac(key, kind, body)}`;
}

/** Why a token was refused. */
export type TokenFailure = "malformed" | "bad-signature" | "expired";

/** Verifies a token of one kind; a click token must also carry an http(s) destination. */
export function verifyToken(key: Buffer, kind: "c" | "o", token: string, nowSeconds: number): { ok: true; claims: TrackingClaims } | { ok: false; reason: TokenFailure } {
  const parts = token.split(".");
  if (parts.length !== 2 || !/^[\w-]+$/.test(parts[0]) || !/^[\w-]+$/.test(parts[1])) return { ok: false, reason: "malformed" };
  const expected = Buffer.from(mac(key, kind, parts[0]));
  const given = Buffer.from(parts[1]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "bad-signature" };
  let claims: TrackingClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (typeof claims?.x !== "number" || typeof claims.w !== "string" || typeof claims.p !== "string") return { ok: false, reason: "malformed" };
  if (claims.x < nowSeconds) return { ok: false, reason: "expired" };
  if (kind === "c" && !isSafeDestination(claims.u)) return { ok: false, reason: "malformed" };
  return { ok: true, claims };
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

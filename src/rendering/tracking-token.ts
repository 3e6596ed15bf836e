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
  const body = recipientBody(claims);
  return `${body}.${mac(key, "r", body)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const COMPACT = 2;
const u32 = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 0xffffffff;

/**
 * The signed half of a recipient token. Every link of an email carries it, so ids that are UUIDs are
 * packed as bytes (version 2: about 80 characters instead of 200); anything else stays JSON. Both verify.
 */
export function recipientBody(claims: TrackingClaims): string {
  const c = Buffer.from(claims.c ?? "");
  const v = Buffer.from(claims.v ?? "");
  const roundTrips = (value: string | null | undefined, bytes: Buffer) => value === null || value === undefined || (value !== "" && bytes.toString("utf8") === value);
  const compact = roundTrips(claims.c, c) && roundTrips(claims.v, v) && UUID.test(claims.w) && UUID.test(claims.p) && UUID.test(claims.t) && u32(claims.n) && u32(claims.x) && c.length < 256 && v.length < 256 && claims.u === undefined;
  if (!compact) return Buffer.from(JSON.stringify(claims)).toString("base64url");
  const bytes = Buffer.alloc(59 + c.length + v.length);
  bytes[0] = COMPACT;
  [claims.w, claims.p, claims.t].forEach((id, i) => bytes.write(id.replace(/-/g, ""), 1 + 16 * i, "hex"));
  bytes.writeUInt32BE(claims.n, 49);
  bytes.writeUInt32BE(claims.x, 53);
  bytes[57] = c.length;
  c.copy(bytes, 58);
  bytes[58 + c.length] = v.length;
  v.copy(bytes, 59 + c.length);
  return bytes.toString("base64url");
}

const uuidAt = (bytes: Buffer, at: number) => bytes.toString("hex", at, at + 16).replace(/^(.{8})(.{4})(.{4})(.{4})/, "$1-$2-$3-$4-");

/** The claims of a verified body (either form), or null when it does not decode. */
function parseBody(body: string): TrackingClaims | null {
  const bytes = Buffer.from(body, "base64url");
  if (bytes[0] !== COMPACT) {
    try {
      return JSON.parse(bytes.toString("utf8"));
    } catch {
      return null;
    }
  }
  if (bytes.length < 59) return null;
  const cLength = bytes[57];
  if (bytes.length < 59 + cLength) return null;
  const vLength = bytes[58 + cLength];
  if (bytes.length !== 59 + cLength + vLength) return null;
  return {
    w: uuidAt(bytes, 1),
    p: uuidAt(bytes, 17),
    t: uuidAt(bytes, 33),
    n: bytes.readUInt32BE(49),
    c: cLength ? bytes.toString("utf8", 58, 58 + cLength) : null,
    v: vLength ? bytes.toString("utf8", 59 + cLength, 59 + cLength + vLength) : null,
    x: bytes.readUInt32BE(53),
  };
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
  const claims = parseBody(body);
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

import { createHmac, hkdfSync } from "node:crypto";

/** Canonical form of an identifier before hashing, so lookups match however it was typed. */
export function normalizeIdentifier(type: string, value: string): string {
  const trimmed = value.normalize("NFKC").trim();
  if (type === "email") return trimmed.toLowerCase();
  if (type === "phone") return trimmed.replace(/[^\d+]/g, "");
  return trimmed;
}

/**
 * Keyed blind index: HMAC-SHA256 under a key derived (HKDF) from the server secret, per
 * purpose. Equal identifiers give equal tokens inside one workspace, so a ciphertext column
 * can be looked up without decrypting; without the secret the tokens reveal nothing (no
 * dictionary attack on e-mail addresses, unlike a plain hash).
 */
export class BlindIndex {
  private readonly key: Buffer;

  constructor(secret: string, purpose = "blind-index") {
    this.key = Buffer.from(hkdfSync("sha256", Buffer.from(secret, "utf8"), Buffer.from("kindred", "utf8"), Buffer.from(`kindred:${purpose}:v1`, "utf8"), 32));
  }

  /** `b1.<base64url>` token of an identifier in a workspace. */
  token(workspaceId: string, type: string, value: string): string {
    const mac = createHmac("sha256", this.key).update(`${workspaceId}\u0000${type}\u0000${normalizeIdentifier(type, value)}`).digest("base64url");
    return `b1.${mac}`;
  }

  static isToken(value: string): boolean {
    return /^b1\.[A-Za-z0-9_-]{43}$/.test(value);
  }
}

import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const VERSION = "e1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A decryption failure: unknown key id, tampered ciphertext or wrong associated data. */
export class DecryptionError extends Error {}

/** Short, stable, non-secret id of a key (first 8 hex of its SHA-256). */
export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

/**
 * AES-256-GCM for personal fields. Keys come from configuration, newest first: the first one
 * encrypts, all of them decrypt (rotation). A token is `e1.<keyId>.<base64url(iv | tag | ciphertext)>`;
 * `aad` binds a token to its row (workspace, field) so it cannot be moved to another row.
 */
export class FieldCipher {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(base64Keys: string[]) {
    if (!base64Keys.length) throw new Error("FieldCipher needs at least one key");
    for (const encoded of base64Keys) {
      const key = Buffer.from(encoded, "base64");
      if (key.length !== 32) throw new Error("encryption keys must be 32 bytes, base64-encoded");
      this.keys.set(keyIdOf(key), key);
    }
    this.currentKeyId = keyIdOf(Buffer.from(base64Keys[0], "base64"));
  }

  encrypt(plaintext: string, aad = ""): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.keys.get(this.currentKeyId)!, iv);
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return `${VERSION}.${this.currentKeyId}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
  }

  decrypt(token: string, aad = ""): string {
    const [version, keyId, payload] = token.split(".");
    if (version !== VERSION || !keyId || payload === undefined) throw new DecryptionError("not an encrypted value");
    const key = this.keys.get(keyId);
    if (!key) throw new DecryptionError(`no configured key has id ${keyId}`);
    const raw = Buffer.from(payload, "base64url");
    if (raw.length < IV_BYTES + TAG_BYTES) throw new DecryptionError("ciphertext is truncated");
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch {
      throw new DecryptionError("ciphertext failed authentication (tampered, or wrong row)");
    }
  }

  /** True for tokens this cipher produced (any configured or unknown key). */
  static isToken(value: string): boolean {
    return /^e1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+$/.test(value);
  }

  /** True when a token was made with an older key and should be re-encrypted. */
  needsRotation(token: string): boolean {
    return token.split(".")[1] !== this.currentKeyId;
  }

  /** Decrypts with whichever key made the token and encrypts with the current key. */
  reencrypt(token: string, aad = ""): string {
    return this.needsRotation(token) ? this.encrypt(this.decrypt(token, aad), aad) : token;
  }
}

import type { KindredConfig } from "../../config/config";
import { BlindIndex } from "./blind-index";
import { FieldCipher } from "./field-cipher";

/** Identifier types that are personal contact data: stored as blind index + ciphertext. */
export const SENSITIVE_IDENTIFIER_TYPES: ReadonlySet<string> = new Set(["email", "phone"]);

/**
 * How identifiers are stored in `profile_identifiers`: for sensitive types `value` holds the
 * keyed blind index (lookups and uniqueness work on it) and `value_encrypted` the AES-256-GCM
 * ciphertext, bound to its row by associated data; other types are stored as they are.
 */
export class IdentifierCodec {
  constructor(
    private readonly cipher: FieldCipher,
    private readonly index: BlindIndex,
  ) {}

  static fromConfig(config: Pick<KindredConfig, "encryptionKeys" | "secret">): IdentifierCodec {
    return new IdentifierCodec(new FieldCipher(config.encryptionKeys), new BlindIndex(config.secret, "lookup"));
  }

  isSensitive(type: string): boolean {
    return SENSITIVE_IDENTIFIER_TYPES.has(type);
  }

  /** The value stored in, and looked up by, `profile_identifiers.value`. */
  storedValue(workspaceId: string, type: string, value: string): string {
    return this.isSensitive(type) && !BlindIndex.isToken(value) ? this.index.token(workspaceId, type, value) : value;
  }

  /** The ciphertext for `value_encrypted` (null for types stored as they are). */
  encrypt(workspaceId: string, type: string, value: string): string | null {
    if (!this.isSensitive(type) || BlindIndex.isToken(value)) return null;
    return this.cipher.encrypt(value, aad(workspaceId, type, this.index.token(workspaceId, type, value)));
  }

  /** The identifier as the person gave it (decrypted when it was stored encrypted). */
  reveal(workspaceId: string, type: string, storedValue: string, encrypted: string | null | undefined): string {
    return encrypted ? this.cipher.decrypt(encrypted, aad(workspaceId, type, storedValue)) : storedValue;
  }
}

/** Associated data of an identifier's ciphertext (the key-rotation job joins the same columns). */
function aad(workspaceId: string, type: string, storedValue: string): string {
  return `${workspaceId}|${type}|${storedValue}`;
}

import type { KindredConfig } from "../../config/config";
import { BlindIndex } from "./blind-index";
import { FieldCipher } from "./field-cipher";
import { IdentifierCodec } from "./identifier-codec";
import type { EncryptedColumn } from "./key-rotation";

/**
 * The encryption services of a process: the field cipher (config `encryptionKeys`, newest
 * first), the lookup blind index and the erasure hash (both HMAC keys derived from `secret`),
 * and the list of encrypted columns the key-rotation job re-encrypts.
 */
export class PrivacyCrypto {
  readonly cipher: FieldCipher;
  readonly lookup: BlindIndex;
  readonly erasure: BlindIndex;
  /** How profile_identifiers stores sensitive identifiers (blind index + ciphertext). */
  readonly identifiers: IdentifierCodec;
  private readonly columns: EncryptedColumn[] = [];

  constructor(config: Pick<KindredConfig, "encryptionKeys" | "secret">) {
    this.cipher = new FieldCipher(config.encryptionKeys);
    this.lookup = new BlindIndex(config.secret, "lookup");
    this.erasure = new BlindIndex(config.secret, "erasure");
    this.identifiers = new IdentifierCodec(this.cipher, this.lookup);
  }

  /** Declares a column of FieldCipher tokens so key rotation covers it. */
  registerEncryptedColumn(column: EncryptedColumn): void {
    this.columns.push(column);
  }

  encryptedColumns(): EncryptedColumn[] {
    return [...this.columns];
  }
}

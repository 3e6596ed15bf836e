import type { DataSource } from "typeorm";
import type { Logger } from "../common/logger";
import { BlindIndex } from "./crypto/blind-index";
import { SENSITIVE_IDENTIFIER_TYPES, type IdentifierCodec } from "./crypto/identifier-codec";

/**
 * Converts identifiers stored in plaintext before encryption was introduced (email, phone rows
 * without ciphertext) to blind index + ciphertext. Runs at start, before the server answers, in
 * batches; returns how many rows it converted.
 */
export async function protectPlaintextIdentifiers(dataSource: DataSource, codec: IdentifierCodec, logger: Logger): Promise<number> {
  let converted = 0;
  for (;;) {
    const rows: { workspace_id: string; type: string; value: string }[] = await dataSource.query(
      `SELECT workspace_id, type, value FROM profile_identifiers WHERE type = ANY($1::text[]) AND value_encrypted IS NULL AND value NOT LIKE 'b1.%' LIMIT 500`,
      [[...SENSITIVE_IDENTIFIER_TYPES]],
    );
    const todo = rows.filter((r) => !BlindIndex.isToken(r.value));
    if (!todo.length) break;
    try {
      await dataSource.query(
        `UPDATE profile_identifiers i SET value = x.stored, value_encrypted = x.encrypted
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS x(ws, type, old, stored, encrypted)
         WHERE i.workspace_id = x.ws AND i.type = x.type AND i.value = x.old`,
        [todo.map((r) => r.workspace_id), todo.map((r) => r.type), todo.map((r) => r.value), todo.map((r) => codec.storedValue(r.workspace_id, r.type, r.value)), todo.map((r) => codec.encrypt(r.workspace_id, r.type, r.value))],
      );
    } catch (error) {
      // Another instance converted the same rows meanwhile (or a blind index already exists): leave the rest for the next start.
      logger.warn({ err: error }, "converting plaintext identifiers stopped");
      break;
    }
    converted += todo.length;
  }
  if (converted) logger.info({ converted }, "plaintext email/phone identifiers converted to blind index + ciphertext");
  return converted;
}

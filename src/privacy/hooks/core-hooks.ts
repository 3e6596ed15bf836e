import type { IdentifierCodec } from "../crypto/identifier-codec";
import type { DataSubject, PrivacyHook, PrivacyHooks } from "../privacy-hooks";
import type { EntityManager } from "typeorm";
import { deleteRowsOf } from "./sql";

// Event columns exported (internal ids of the row itself are kept; the workspace id is not).
const EVENT_COLUMNS = `id, message_id AS "messageId", type, occurred_at AS "occurredAt", received_at AS "receivedAt", profile_id AS "profileId", properties, context, item_ids AS "itemIds", revenue, currency`;

const profiles: PrivacyHook = {
  tables: ["profiles", "profile_merges"],
  async export(s, m) {
    const rows = await m.query(
      `SELECT id, traits, computed, known, merged_into_id AS "mergedIntoId", first_seen_at AS "firstSeenAt", last_seen_at AS "lastSeenAt", created_at AS "createdAt", updated_at AS "updatedAt"
       FROM profiles WHERE workspace_id = $1 AND id = ANY($2::uuid[]) ORDER BY (id = $3) DESC, created_at`,
      [s.workspaceId, s.profileIds, s.profileIds[0]],
    );
    const merges = await m.query(
      `SELECT from_profile_id AS "fromProfileId", into_profile_id AS "intoProfileId", merged_at AS "mergedAt" FROM profile_merges
       WHERE workspace_id = $1 AND (from_profile_id = ANY($2::uuid[]) OR into_profile_id = ANY($2::uuid[])) ORDER BY merged_at`,
      [s.workspaceId, s.profileIds],
    );
    return { profile: rows[0] ?? null, mergedProfiles: rows.slice(1), merges };
  },
  async erase(s, m) {
    const [, merges] = (await m.query(`DELETE FROM profile_merges WHERE workspace_id = $1 AND (from_profile_id = ANY($2::uuid[]) OR into_profile_id = ANY($2::uuid[]))`, [s.workspaceId, s.profileIds])) as [unknown, number];
    return merges + (await deleteRowsOf(m, "profiles", s, "id"));
  },
};

/** The subject's identifiers, decrypted (email and phone are stored as blind index + ciphertext). */
async function identifiersOf(s: DataSubject, m: EntityManager, codec: IdentifierCodec): Promise<{ type: string; value: string; profileId: string; createdAt: Date }[]> {
  const rows: { type: string; value: string; value_encrypted: string | null; profileId: string; createdAt: Date }[] = await m.query(
    `SELECT type, value, value_encrypted, profile_id AS "profileId", created_at AS "createdAt" FROM profile_identifiers WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[]) ORDER BY type, created_at`,
    [s.workspaceId, s.profileIds],
  );
  return rows.map((r) => ({ type: r.type, value: codec.reveal(s.workspaceId, r.type, r.value, r.value_encrypted), profileId: r.profileId, createdAt: r.createdAt }));
}

const identifiersHook = (codec: IdentifierCodec): PrivacyHook => ({
  tables: ["profile_identifiers", "rejected_events (quarantined payloads naming the person's identifiers)"],
  export: (s, m) => identifiersOf(s, m, codec),
  async erase(s, m) {
    // Quarantined events carry raw identifiers but no profile id: match them by identifier.
    const ids = await identifiersOf(s, m, codec);
    const of = (type: string) => ids.filter((i) => i.type === type).map((i) => i.value);
    const [, rejected] = (await m.query(
      `DELETE FROM rejected_events WHERE workspace_id = $1 AND (payload->>'userId' = ANY($2::text[]) OR payload->>'anonymousId' = ANY($3::text[]) OR lower(payload->>'email') = ANY($4::text[]))`,
      [s.workspaceId, of("user_id"), of("anonymous_id"), of("email").map((e) => e.toLowerCase())],
    )) as [unknown, number];
    return rejected + (await deleteRowsOf(m, "profile_identifiers", s));
  },
});

const events: PrivacyHook = {
  tables: ["events"],
  async export(s, m) {
    return m.query(`SELECT ${EVENT_COLUMNS} FROM events WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[]) ORDER BY occurred_at, id`, [s.workspaceId, s.profileIds]);
  },
  erase: (s, m) => deleteRowsOf(m, "events", s),
};

const consent: PrivacyHook = {
  tables: ["consents", "consent_records"],
  async export(s, m) {
    const current = await m.query(`SELECT purpose, status, source, legal_basis AS "legalBasis", occurred_at AS "occurredAt", recorded_at AS "recordedAt" FROM consents WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[]) ORDER BY purpose`, [s.workspaceId, s.profileIds]);
    const history = await m.query(`SELECT purpose, status, source, legal_basis AS "legalBasis", occurred_at AS "occurredAt", recorded_at AS "recordedAt" FROM consent_records WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[]) ORDER BY recorded_at`, [s.workspaceId, s.profileIds]);
    return { current, history };
  },
  async erase(s, m) {
    return (await deleteRowsOf(m, "consent_records", s)) + (await deleteRowsOf(m, "consents", s));
  },
};

/** Hooks for the core customer-data tables; registered first so erasure removes them last. */
export function registerCoreHooks(hooks: PrivacyHooks, codec: IdentifierCodec): void {
  hooks.register("profile", profiles);
  hooks.register("identifiers", identifiersHook(codec));
  hooks.register("events", events);
  hooks.register("consent", consent);
}

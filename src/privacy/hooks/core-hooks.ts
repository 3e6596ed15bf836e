import type { PrivacyHook, PrivacyHooks } from "../privacy-hooks";
import { deleteRowsOf } from "./sql";

// Event columns exported (internal ids of the row itself are kept; the workspace id is not).
const EVENT_COLUMNS = `id, message_id AS "messageId", type, occurred_at AS "occurredAt", received_at AS "receivedAt", profile_id AS "profileId", properties, context, item_ids AS "itemIds", revenue, currency`;

const profiles: PrivacyHook = {
  tables: ["profiles", "profile_merges"],
  async export(s, m) {
    const rows = await m.query(
      `SELECT id, traits, computed - '_state' AS computed, known, merged_into_id AS "mergedIntoId", first_seen_at AS "firstSeenAt", last_seen_at AS "lastSeenAt", created_at AS "createdAt", updated_at AS "updatedAt"
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

const identifiers: PrivacyHook = {
  tables: ["profile_identifiers", "rejected_events (quarantined payloads naming the person's identifiers)"],
  async export(s, m) {
    return m.query(`SELECT type, value, profile_id AS "profileId", created_at AS "createdAt" FROM profile_identifiers WHERE workspace_id = $1 AND profile_id = ANY($2::uuid[]) ORDER BY type, value`, [s.workspaceId, s.profileIds]);
  },
  async erase(s, m) {
    // Quarantined events carry raw identifiers but no profile id: match them by identifier.
    const [, rejected] = (await m.query(
      `DELETE FROM rejected_events r USING profile_identifiers i
       WHERE r.workspace_id = $1 AND i.workspace_id = $1 AND i.profile_id = ANY($2::uuid[])
         AND ((i.type = 'user_id' AND r.payload->>'userId' = i.value) OR (i.type = 'anonymous_id' AND r.payload->>'anonymousId' = i.value)
           OR (i.type = 'email' AND r.payload->>'email' = i.value))`,
      [s.workspaceId, s.profileIds],
    )) as [unknown, number];
    return rejected + (await deleteRowsOf(m, "profile_identifiers", s));
  },
};

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
export function registerCoreHooks(hooks: PrivacyHooks): void {
  hooks.register("profile", profiles);
  hooks.register("identifiers", identifiers);
  hooks.register("events", events);
  hooks.register("consent", consent);
}

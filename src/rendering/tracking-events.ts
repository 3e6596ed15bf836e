import { createHash } from "node:crypto";
import type { DataSource } from "typeorm";
import type { Logger } from "../common/logger";
import { PROFILES } from "../profiles/profiles.module";
import { PORTS, type ServiceLookup } from "./adapters/ports";
import type { TrackingClaims } from "./tracking-token";

const IDENTIFIER_FIELDS: Record<string, string> = { user_id: "userId", email: "email", anonymous_id: "anonymousId", device_id: "deviceId" };

/**
 * Records `email_click` / `email_open` for the token's profile, campaign and variant through event
 * ingestion (so computed traits and segments react). A profile without identifiers, or a server
 * without the events module, gets the event stored directly. Message ids make retries idempotent.
 */
export class TrackingRecorder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lookup: ServiceLookup,
    private readonly logger: Logger,
  ) {}

  async record(type: "email_click" | "email_open", token: string, claims: TrackingClaims, at: Date): Promise<void> {
    const digest = createHash("sha256").update(token).digest("hex").slice(0, 40);
    // an open counts once per email; a click once per link per minute (double-clicks and prefetchers)
    const messageId = type === "email_open" ? `kd-open-${digest}` : `kd-click-${digest}-${Math.floor(at.getTime() / 60000)}`;
    const properties: Record<string, unknown> = { templateId: claims.t, ...(claims.c ? { campaignId: claims.c } : {}), ...(claims.v ? { variantId: claims.v } : {}), ...(claims.u ? { url: claims.u } : {}) };
    try {
      const ingestion = this.lookup.get(PORTS.eventIngestion, "ingest");
      const identifier = ingestion ? await this.identifierOf(claims.w, claims.p) : null;
      if (ingestion && identifier) {
        const [result] = await ingestion.ingest(claims.w, [{ messageId, type, occurredAt: at.toISOString(), [IDENTIFIER_FIELDS[identifier.type]]: identifier.value, properties }]);
        if (result?.status !== "REJECTED") return;
        this.logger.warn({ reasons: result.reasons, type }, "tracking event rejected by ingestion; storing directly");
      }
      await this.dataSource.query(
        `INSERT INTO events (workspace_id, message_id, type, occurred_at, profile_id, properties, context)
         SELECT p.workspace_id, $3, $4, $5, COALESCE(p.merged_into_id, p.id), $6::jsonb, '{"source":"tracking"}'::jsonb FROM profiles p WHERE p.workspace_id = $1 AND p.id = $2
         ON CONFLICT DO NOTHING`,
        [claims.w, claims.p, messageId, type, at, JSON.stringify(properties)],
      );
    } catch (error) {
      // a tracking hit must still redirect even if recording fails
      this.logger.warn({ err: error, type }, "recording a tracking event failed");
    }
  }

  private async identifierOf(workspaceId: string, profileId: string): Promise<{ type: string; value: string } | null> {
    const rows: { type: string; value: string; value_encrypted: string | null }[] = await this.dataSource.query(
      `SELECT i.type, i.value, i.value_encrypted FROM profiles p JOIN profile_identifiers i ON i.workspace_id = p.workspace_id AND i.profile_id = COALESCE(p.merged_into_id, p.id)
       WHERE p.workspace_id = $1 AND p.id = $2 AND i.type = ANY($3)
       ORDER BY array_position($3::text[], i.type) LIMIT 1`,
      [workspaceId, profileId, Object.keys(IDENTIFIER_FIELDS)],
    );
    const row = rows[0];
    if (!row) return null;
    // Sensitive identifiers are stored as blind index + ciphertext: ingestion needs the real value.
    const profiles = this.lookup.get(PROFILES, "revealIdentifier");
    return { type: row.type, value: profiles ? profiles.revealIdentifier(workspaceId, row.type, row.value, row.value_encrypted) : row.value };
  }
}

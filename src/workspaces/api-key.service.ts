import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { IsNull, type DataSource, type EntityManager } from "typeorm";
import type { DomainBus } from "../common/bus";
import type { RequestAuth } from "../common/kernel";
import { NotFoundError } from "../common/errors";
import { ApiKey } from "./api-key.entity";
import type { Role } from "./role";

declare module "../common/bus" {
  interface DomainEvents {
    "apiKey.revoked": { apiKeyId: string; prefix: string };
  }
}

const KEY_PATTERN = /^kdr_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;
const CACHE_MS = 30_000;
const LAST_USED_EVERY_MS = 60_000;

const hashSecret = (secret: string) => createHash("sha256").update(secret).digest("hex");

interface CachedKey {
  auth: RequestAuth;
  hash: Buffer;
  until: number;
}

/** Issues, verifies and revokes API keys; verified keys are cached briefly, revocation evicts them everywhere. */
export class ApiKeyService {
  private readonly cache = new Map<string, CachedKey | null>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: DomainBus,
  ) {
    bus.on("apiKey.revoked", ({ prefix }) => this.cache.delete(prefix));
  }

  /** Creates a key; the returned secret is the only time the full key is visible. */
  async create(workspaceId: string, name: string, role: Role, manager: EntityManager = this.dataSource.manager): Promise<{ apiKey: ApiKey; secret: string }> {
    const prefixId = randomBytes(4).toString("hex");
    const body = randomBytes(32).toString("base64url");
    const secret = `kdr_${prefixId}_${body}`;
    const apiKey = await manager.getRepository(ApiKey).save({
      workspaceId,
      name,
      role,
      prefix: `kdr_${prefixId}`,
      secretHash: hashSecret(secret),
      revokedAt: null,
      lastUsedAt: null,
    });
    return { apiKey, secret };
  }

  /** Returns the caller for a raw key, or null when it is malformed, unknown or revoked. */
  async verify(rawKey: string): Promise<RequestAuth | null> {
    const match = KEY_PATTERN.exec(rawKey);
    if (!match) return null;
    const prefix = `kdr_${match[1]}`;
    const now = Date.now();
    let entry = this.cache.get(prefix);
    if (entry === undefined || (entry && entry.until < now)) {
      entry = await this.load(prefix, now);
      this.cache.set(prefix, entry);
    }
    if (!entry) return null;
    const given = Buffer.from(hashSecret(rawKey), "hex");
    if (!timingSafeEqual(given, entry.hash)) return null;
    this.touch(entry.auth.apiKeyId, now);
    return entry.auth;
  }

  private async load(prefix: string, now: number): Promise<CachedKey | null> {
    const key = await this.dataSource.getRepository(ApiKey).findOne({ where: { prefix, revokedAt: IsNull() } });
    if (!key) return null;
    return {
      auth: { workspaceId: key.workspaceId, role: key.role, apiKeyId: key.id },
      hash: Buffer.from(key.secretHash, "hex"),
      until: now + CACHE_MS,
    };
  }

  // last_used_at is advisory: written at most once a minute per key, off the request path.
  private touch(apiKeyId: string, now: number): void {
    if (now - (this.lastUsedWritten.get(apiKeyId) ?? 0) < LAST_USED_EVERY_MS) return;
    this.lastUsedWritten.set(apiKeyId, now);
    this.dataSource
      .getRepository(ApiKey)
      .update({ id: apiKeyId }, { lastUsedAt: new Date(now) })
      .catch(() => undefined);
  }

  async revoke(workspaceId: string, id: string): Promise<ApiKey> {
    const repo = this.dataSource.getRepository(ApiKey);
    const key = await repo.findOne({ where: { id, workspaceId } });
    if (!key) throw new NotFoundError("ApiKey", id);
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await repo.save(key);
    }
    this.cache.delete(key.prefix);
    this.bus.publish("apiKey.revoked", { workspaceId, apiKeyId: key.id, prefix: key.prefix });
    return key;
  }

  /** Revokes by id or visible prefix in any workspace (command line only). */
  async revokeAnywhere(idOrPrefix: string): Promise<ApiKey> {
    const repo = this.dataSource.getRepository(ApiKey);
    const isUuid = /^[0-9a-f-]{36}$/i.test(idOrPrefix);
    const key = await repo.findOne({ where: isUuid ? { id: idOrPrefix } : { prefix: idOrPrefix } });
    if (!key) throw new NotFoundError("ApiKey", idOrPrefix);
    return this.revoke(key.workspaceId, key.id);
  }
}

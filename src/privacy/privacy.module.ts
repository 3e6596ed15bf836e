import type { KindredModule } from "../common/kernel";
import { ServiceKey } from "../common/kernel";
import { PROFILE_HOOKS } from "../profiles/profile-hooks";
import { AUDIT_LOG } from "../workspaces/audit.module";
import { rotateColumns } from "./crypto/key-rotation";
import { PrivacyCrypto } from "./crypto/privacy-crypto";
import { DataRightsResolver } from "./data-rights.resolver";
import { DataRightsService, type Requester } from "./data-rights.service";
import { registerCoreHooks } from "./hooks/core-hooks";
import { experimentsHook } from "./hooks/experiments-hooks";
import { segmentsHook } from "./hooks/segments-hooks";
import { PRIVACY_HOOKS, PrivacyHooks } from "./privacy-hooks";
import { ErasedIdentifier, RetentionPolicy } from "./privacy.entities";
import { RetentionService } from "./retention.service";
import { protectPlaintextIdentifiers } from "./protect-identifiers";

/** cipher (AES-256-GCM, key ids, rotation), lookup and erasure blind indexes, registerEncryptedColumn. */
export const PRIVACY_CRYPTO = new ServiceKey<PrivacyCrypto>("privacyCrypto");
/** export(ws, profileId) → document, erase(ws, profileId, requester), restore(ws, identifiers). */
export const DATA_RIGHTS = new ServiceKey<DataRightsService>("dataRights");

/** Data-subject rights (export, erasure), retention, encryption primitives and key rotation. */
export const dataRightsModule: KindredModule = {
  name: "data-rights",
  entities: [ErasedIdentifier, RetentionPolicy],
  create(kernel, modules) {
    const crypto = new PrivacyCrypto(kernel.config);
    const hooks = new PrivacyHooks();
    registerCoreHooks(hooks, crypto.identifiers);
    // Key rotation re-encrypts identifier ciphertexts; their associated data is workspace|type|value.
    crypto.registerEncryptedColumn({ table: "profile_identifiers", column: "value_encrypted", keyColumns: ["workspace_id", "type", "value"], aadColumns: ["workspace_id", "type", "value"] });
    // Tables of higher modules, covered here with plain SQL so they need not know about privacy.
    hooks.register("segments", segmentsHook);
    hooks.register("experiments", experimentsHook);
    const rights = new DataRightsService(kernel.dataSource, hooks, crypto, modules.get(AUDIT_LOG), () => kernel.clock.now(), kernel.bus);
    const retention = new RetentionService(kernel.dataSource);
    modules.provide(PRIVACY_CRYPTO, crypto);
    modules.provide(PRIVACY_HOOKS, hooks);
    modules.provide(DATA_RIGHTS, rights);

    // Later events naming an erased person must not bring them back (checked before answering).
    modules.get(PROFILE_HOOKS).register("privacy.suppressErased", async (changes) => {
      const byWorkspace = new Map<string, Set<string>>();
      for (const c of changes) (byWorkspace.get(c.workspaceId) ?? byWorkspace.set(c.workspaceId, new Set()).get(c.workspaceId)!).add(c.profileId);
      for (const [ws, ids] of byWorkspace) await rights.suppressErased(ws, [...ids]);
    });

    kernel.jobs.define<{ profileId: string; requester: Requester }, unknown>({
      kind: "privacy.erase",
      async handle(ctx) {
        await ctx.progress(0.1, "erasing");
        return rights.erase(ctx.workspaceId!, ctx.params.profileId, ctx.params.requester);
      },
    });
    kernel.jobs.define<Record<string, never>, unknown>({
      kind: "privacy.retention",
      schedule: "17 * * * *",
      handle: (ctx) => retention.purge({ workspaceId: ctx.workspaceId ?? undefined, signal: ctx.signal }),
    });
    kernel.jobs.define<Record<string, never>, unknown>({
      kind: "privacy.rotateKeys",
      schedule: "43 3 * * *",
      expireInSeconds: 6 * 3600,
      handle: (ctx) => rotateColumns(kernel.dataSource, crypto.cipher, crypto.encryptedColumns(), { signal: ctx.signal, progress: ctx.progress }),
    });

    return {
      resolvers: [new DataRightsResolver(rights, retention, (kind, ws, params) => kernel.jobs.enqueue(kind, ws, params))],
      start: async () => void (await protectPlaintextIdentifiers(kernel.dataSource, crypto.identifiers, kernel.logger)),
    };
  },
};

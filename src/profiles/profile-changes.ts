import type { DataSource } from "typeorm";
import type { DomainBus } from "../common/bus";
import type { ProfileChange, ProfileChangeHooks } from "./profile-hooks";

/** `profile.changed` payloads this instance published after running its hooks (their caches are already dropped). */
const hooked = new WeakSet<object>();

/**
 * Calls `invalidate` for every profile whose data changed, and for the absorbed side of a merge:
 * before ingestion answers (hooks, this instance) and when other instances announce it (bus) —
 * once per change: the local copy of this instance's own announcement is skipped.
 * For caches of derived per-profile answers.
 */
export function onProfileInvalidated(hooks: ProfileChangeHooks, bus: DomainBus, name: string, invalidate: (workspaceId: string, profileId: string) => void): void {
  const drop = (c: { workspaceId: string; profileId: string; mergedProfileId?: string }) => {
    invalidate(c.workspaceId, c.profileId);
    if (c.mergedProfileId) invalidate(c.workspaceId, c.mergedProfileId);
  };
  hooks.register(name, async (changes) => changes.forEach(drop));
  bus.on("profile.changed", (c) => {
    if (!hooked.has(c)) drop(c);
  });
}

declare module "../common/bus" {
  interface DomainEvents {
    /** One profile changed (events, traits, computed, consent) or absorbed another (merge). */
    "profile.changed": { profileId: string; changed: string[]; mergedProfileId?: string };
    /** Cross-instance batch of `profile.changed` (one NOTIFY for many profiles). */
    "profiles.changed": { profileIds: string[]; changed: string[] };
  }
}

const IDS_PER_NOTIFY = 150; // 150 uuids stay well under the 7.9 KB NOTIFY limit

/** Runs profile hooks after a commit and announces the changes on the bus (locally per profile, remotely in batches). */
export class ProfileChangePublisher {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hooks: ProfileChangeHooks,
    private readonly bus: DomainBus,
  ) {}

  /** Re-announces batches from other instances as per-profile events. */
  start(): () => void {
    return this.bus.on("profiles.changed", (p) => {
      for (const profileId of p.profileIds) this.bus.publish("profile.changed", { workspaceId: p.workspaceId, profileId, changed: p.changed }, { remote: false });
    });
  }

  async publish(changes: ProfileChange[]): Promise<void> {
    if (!changes.length) return;
    await this.hooks.run(changes, this.dataSource.manager);
    const batches = new Map<string, { workspaceId: string; changed: string[]; ids: string[] }>();
    for (const c of changes) {
      const payload = { workspaceId: c.workspaceId, profileId: c.profileId, changed: c.changed, ...(c.mergedProfileId ? { mergedProfileId: c.mergedProfileId } : {}) };
      hooked.add(payload);
      if (c.mergedProfileId) {
        this.bus.publish("profile.changed", payload);
        continue;
      }
      this.bus.publish("profile.changed", payload, { remote: false });
      const key = `${c.workspaceId}|${c.changed.join(",")}`;
      const batch = batches.get(key) ?? { workspaceId: c.workspaceId, changed: c.changed, ids: [] };
      batch.ids.push(c.profileId);
      batches.set(key, batch);
    }
    for (const b of batches.values())
      for (let i = 0; i < b.ids.length; i += IDS_PER_NOTIFY)
        this.bus.publish("profiles.changed", { workspaceId: b.workspaceId, profileIds: b.ids.slice(i, i + IDS_PER_NOTIFY), changed: b.changed }, { local: false });
  }
}

import type { EntityManager } from "typeorm";
import { ServiceKey } from "../common/kernel";

/** What changed about one profile, as ingestion and identify() see it. */
export interface ProfileChange {
  workspaceId: string;
  profileId: string;
  /** Which kinds of data changed. */
  changed: ("events" | "traits" | "computed" | "consent" | "merge")[];
  /** Types of the events that arrived (for "events"). */
  eventTypes?: string[];
  /** Names of traits or computed traits that changed (for "traits" / "computed"). */
  traitNames?: string[];
  /** The event that caused the change, when there is one. */
  eventId?: string;
  /** For "merge": the profile id that was merged into `profileId`. */
  mergedProfileId?: string;
}

/** A reaction of a higher module (segments, caches) that must finish before the request answers. */
export type ProfileChangeHandler = (changes: ProfileChange[], manager: EntityManager) => Promise<void>;

/**
 * Lets higher modules react to profile changes *within the same request path* without the
 * profiles/events modules importing them: they register here, ingestion awaits every handler
 * after its commit (and also publishes `profile.changed` on the bus for subscriptions).
 */
export class ProfileChangeHooks {
  private readonly handlers = new Map<string, ProfileChangeHandler>();

  register(name: string, handler: ProfileChangeHandler): void {
    this.handlers.set(name, handler);
  }

  async run(changes: ProfileChange[], manager: EntityManager): Promise<void> {
    if (!changes.length) return;
    for (const handler of this.handlers.values()) await handler(changes, manager);
  }
}

export const PROFILE_HOOKS = new ServiceKey<ProfileChangeHooks>("profileHooks");

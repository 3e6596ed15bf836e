import type { EntityManager } from "typeorm";
import { ServiceKey } from "../common/kernel";

/**
 * The profiles of one person: `profileIds[0]` is the live profile, the rest are profiles that
 * were merged into it (their rows survive merges, so erasure must cover them too).
 */
export interface DataSubject {
  workspaceId: string;
  profileIds: string[];
}

/** How one module exports and erases what it holds about a person (inside the caller's transaction). */
export interface PrivacyHook {
  /** Tables this hook covers (documentation and the export's `coverage`). */
  tables: string[];
  export?(subject: DataSubject, manager: EntityManager): Promise<unknown>;
  /** Deletes the person's rows; returns how many rows were removed. */
  erase?(subject: DataSubject, manager: EntityManager): Promise<number>;
}

/**
 * Registry of export/erasure hooks. Each module that stores personal data registers one
 * (`modules.get(PRIVACY_HOOKS).register(name, hook)`), so the privacy module never imports
 * higher modules. Erasure runs hooks in reverse registration order (derived data first,
 * the profile row last); export runs them in order.
 */
export class PrivacyHooks {
  private readonly hooks = new Map<string, PrivacyHook>();

  register(name: string, hook: PrivacyHook): void {
    this.hooks.set(name, hook);
  }

  names(): string[] {
    return [...this.hooks.keys()];
  }

  coverage(): Record<string, string[]> {
    return Object.fromEntries([...this.hooks].map(([name, h]) => [name, h.tables]));
  }

  async exportAll(subject: DataSubject, manager: EntityManager): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [name, hook] of this.hooks) if (hook.export) out[name] = await hook.export(subject, manager);
    return out;
  }

  async eraseAll(subject: DataSubject, manager: EntityManager): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const [name, hook] of [...this.hooks].reverse()) if (hook.erase) out[name] = await hook.erase(subject, manager);
    return out;
  }
}

export const PRIVACY_HOOKS = new ServiceKey<PrivacyHooks>("privacyHooks");

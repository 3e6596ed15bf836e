import type { KindredModule } from "../common/kernel";
import { ServiceKey } from "../common/kernel";
import { PROFILE_CHANGES, PROFILES } from "../profiles/profiles.module";
import { Consent, ConsentRecord } from "./consent.entity";
import { ConsentResolver } from "./consent.resolver";
import { ConsentService } from "./consent.service";

/** Consent per purpose: `allowed(workspaceId, profileIds, purpose)` (one query), `set`, `history`. */
export const CONSENT = new ServiceKey<ConsentService>("consent");

/** Privacy: consent (export, erasure and retention come with the privacy issue). */
export const privacyModule: KindredModule = {
  name: "privacy",
  entities: [Consent, ConsentRecord],
  create(kernel, modules) {
    const consent = new ConsentService(kernel.dataSource, modules.get(PROFILE_CHANGES), () => kernel.clock.now());
    modules.get(PROFILES).identity.registerMergeStep("consent", (m, ws, losers, survivor) => consent.merge(m, ws, losers, survivor));
    modules.provide(CONSENT, consent);
    return { resolvers: [new ConsentResolver(consent)] };
  },
};

import type { KindredModule } from "../common/kernel";
import { ServiceKey } from "../common/kernel";
import { Profile } from "./profile.entity";
import { ProfileIdentifier } from "./profile-identifier.entity";
import { PROFILE_HOOKS, ProfileChangeHooks } from "./profile-hooks";
import { ProfileMerge } from "./profile-merge.entity";
import { TraitDefinition } from "./trait-definition.entity";
import { IdentityService } from "./identity.service";
import { IdentifierCodec } from "../privacy/crypto/identifier-codec";
import { ProfileChangePublisher } from "./profile-changes";
import { ProfileService } from "./profile.service";
import { ProfileResolver } from "./profile.resolver";
import { TraitDefinitionsService } from "./trait-definitions.service";

/** resolveId(ws, id), getMany(ws, ids) (key order, one query), findByIdentifier(ws, type, value), identify(…), identity (resolve/merge). */
export const PROFILES = new ServiceKey<ProfileService>("profiles");
/** typesFor(workspaceId) → Map<trait name, declared type>. */
export const TRAIT_DEFINITIONS = new ServiceKey<TraitDefinitionsService>("traitDefinitions");
/** publish(changes): runs PROFILE_HOOKS after a commit and announces `profile.changed` on the bus. */
export const PROFILE_CHANGES = new ServiceKey<ProfileChangePublisher>("profileChanges");

/** Profiles, identifiers, identity resolution and computed traits. */
export const profilesModule: KindredModule = {
  name: "profiles",
  entities: [Profile, ProfileIdentifier, ProfileMerge, TraitDefinition],
  create(kernel, modules) {
    const hooks = new ProfileChangeHooks();
    const changes = new ProfileChangePublisher(kernel.dataSource, hooks, kernel.bus);
    const traits = new TraitDefinitionsService(kernel.dataSource);
    const profiles = new ProfileService(kernel.dataSource, new IdentityService(kernel.dataSource, kernel.logger, IdentifierCodec.fromConfig(kernel.config)), traits, changes);
    modules.provide(PROFILE_HOOKS, hooks);
    modules.provide(PROFILE_CHANGES, changes);
    modules.provide(TRAIT_DEFINITIONS, traits);
    modules.provide(PROFILES, profiles);
    let stop: (() => void) | undefined;
    return {
      resolvers: [new ProfileResolver(profiles, traits)],
      async start() {
        stop = changes.start();
      },
      async stop() {
        stop?.();
      },
    };
  },
};

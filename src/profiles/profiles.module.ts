import type { KindredModule } from "../common/kernel";
import { Profile } from "./profile.entity";
import { ProfileIdentifier } from "./profile-identifier.entity";
import { PROFILE_HOOKS, ProfileChangeHooks } from "./profile-hooks";

/** Profiles, identifiers, identity resolution and computed traits. */
export const profilesModule: KindredModule = {
  name: "profiles",
  entities: [Profile, ProfileIdentifier],
  create(_kernel, modules) {
    modules.provide(PROFILE_HOOKS, new ProfileChangeHooks());
    return {};
  },
};

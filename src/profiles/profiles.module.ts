import type { KindredModule } from "../common/kernel";
import { Profile } from "./profile.entity";
import { ProfileIdentifier } from "./profile-identifier.entity";

/** Profiles, identifiers, identity resolution and computed traits. */
export const profilesModule: KindredModule = {
  name: "profiles",
  entities: [Profile, ProfileIdentifier],
  create() {
    return {};
  },
};

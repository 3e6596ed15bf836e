import type { KindredModule } from "../common/kernel";
import { StoredEvent } from "./event.entity";

/** Event ingestion, validation and quarantine. */
export const eventsModule: KindredModule = {
  name: "events",
  entities: [StoredEvent],
  create() {
    return {};
  },
};

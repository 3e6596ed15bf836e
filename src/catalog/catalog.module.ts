import type { KindredModule } from "../common/kernel";
import { Item } from "./item.entity";

/** The item catalog. */
export const catalogModule: KindredModule = {
  name: "catalog",
  entities: [Item],
  create() {
    return {};
  },
};

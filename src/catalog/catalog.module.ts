import type { KindredModule } from "../common/kernel";
import { ServiceKey } from "../common/kernel";
import { Item } from "./item.entity";
import { ItemResolver } from "./item.resolver";
import { ItemService } from "./item.service";

/** upsert(workspaceId, items) → per-item results; getMany(workspaceId, ids) in key order. */
export const CATALOG = new ServiceKey<ItemService>("catalog");

/** The item catalog. */
export const catalogModule: KindredModule = {
  name: "catalog",
  entities: [Item],
  create(kernel, modules) {
    const items = new ItemService(kernel.dataSource, kernel.bus);
    modules.provide(CATALOG, items);
    return { resolvers: [new ItemResolver(items)] };
  },
};

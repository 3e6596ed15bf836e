import type { KindredModule } from "../common/kernel";
import { workspacesModule } from "../workspaces/workspaces.module";
import { jobsModule } from "../jobs/jobs.module";

/**
 * Every module of Kindred, lowest layer first. A new module adds itself here and nowhere else
 * in the server: its entities, resolvers, routes and jobs come with it.
 */
export const kindredModules: KindredModule[] = [workspacesModule, jobsModule];

export const allEntities = kindredModules.flatMap((m) => m.entities);

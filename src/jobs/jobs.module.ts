import type { KindredModule } from "../common/kernel";
import { JobRun } from "./job-run.entity";
import { JobResolver } from "./job.resolver";
import type { PgJobQueue } from "./job-queue";

/** Job runs: status, progress and cancellation through GraphQL. */
export const jobsModule: KindredModule = {
  name: "jobs",
  entities: [JobRun],
  create(kernel) {
    return { resolvers: [new JobResolver(kernel.jobs as PgJobQueue)] };
  },
};

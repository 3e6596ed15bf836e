import type { KindredModule } from "../common/kernel";
import { maintainTables } from "../db/table-maintenance";
import { JobRun } from "./job-run.entity";
import { JobResolver } from "./job.resolver";
import type { PgJobQueue } from "./job-queue";

/** Kind of the scheduled table maintenance job. */
export const MAINTAIN_TABLES_JOB = "maintain-tables";

/** Job runs: status, progress and cancellation through GraphQL; scheduled table maintenance. */
export const jobsModule: KindredModule = {
  name: "jobs",
  entities: [JobRun],
  create(kernel) {
    kernel.jobs.define({
      kind: MAINTAIN_TABLES_JOB,
      ...(kernel.config.maintenanceCron ? { schedule: kernel.config.maintenanceCron } : {}),
      expireInSeconds: 3600,
      handle: async () => {
        const tables = await maintainTables(kernel.dataSource);
        if (tables.length) kernel.logger.info({ tables }, "table maintenance ran (autovacuum is off on this server)");
        return { tables: tables.length };
      },
    });
    return { resolvers: [new JobResolver(kernel.jobs as PgJobQueue)] };
  },
};

import type { KindredConfig } from "../config/config";
import { DomainBus } from "../common/bus";
import { systemClock } from "../common/clock";
import type { Kernel, KindredModule, ModuleInstance } from "../common/kernel";
import type { Logger } from "../common/logger";
import { openDatabase, type OpenDatabase } from "../db/database";
import { poolOf } from "../db/data-source";
import { PgNotifyTransport } from "../db/pg-notify-transport";
import { PgJobQueue } from "../jobs/job-queue";
import { allEntities, kindredModules } from "./modules";
import { SimpleModuleRegistry } from "./registry";

/** A kernel with its modules built, ready to serve or to run jobs. */
export interface Runtime {
  kernel: Kernel;
  database: OpenDatabase;
  jobs: PgJobQueue;
  modules: ModuleInstance[];
  registry: SimpleModuleRegistry;
  close(): Promise<void>;
}

/** Opens the database (migrating it), connects the bus across instances and builds every module. */
export async function createRuntime(config: KindredConfig, logger: Logger, options: { migrate?: boolean; work: boolean; startJobs?: boolean; extraModules?: KindredModule[] }): Promise<Runtime> {
  const database = await openDatabase(config, logger, allEntities, { migrate: options.migrate ?? true });
  const bus = new DomainBus();
  try {
    const transport = await PgNotifyTransport.connect(database.url, poolOf(database.dataSource), (error) => logger.warn({ err: error }, "bus transport error"));
    bus.attach(transport, (error) => logger.warn({ err: error }, "bus delivery error"));
    const jobs = new PgJobQueue(database.dataSource, database.url, bus, logger);
    const kernel: Kernel = { config, dataSource: database.dataSource, bus, jobs, logger, clock: systemClock };
    const { modules, registry } = buildModules(kernel, options.extraModules);
    for (const module of modules) await module.start?.();
    if (options.startJobs !== false) await jobs.start({ work: options.work });
    return {
      kernel,
      database,
      jobs,
      modules,
      registry,
      async close() {
        await jobs.stop().catch((error) => logger.warn({ err: error }, "job queue stop failed"));
        for (const module of [...modules].reverse()) await module.stop?.().catch((error) => logger.warn({ err: error }, "module stop failed"));
        await bus.detach();
        await database.close();
      },
    };
  } catch (error) {
    await bus.detach().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Builds every module in order; each may use services published by the ones before it.
 * `extraModules` (entity-free) come last: plugins and test fixtures.
 */
export function buildModules(kernel: Kernel, extraModules: KindredModule[] = []): { modules: ModuleInstance[]; registry: SimpleModuleRegistry } {
  const registry = new SimpleModuleRegistry();
  const modules = [...kindredModules, ...extraModules].map((module) => module.create(kernel, registry));
  return { modules, registry };
}

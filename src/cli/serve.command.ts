import { startApp } from "../server/app";
import { createRuntime } from "../server/kernel-factory";
import type { Logger } from "../common/logger";
import type { CliCommand } from "./commands";

/** Runs until SIGTERM/SIGINT, then stops gracefully; a second signal exits at once. */
function untilSignal(stop: () => Promise<void>, logger: Logger): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(1);
      stopping = true;
      logger.info(`${signal} received: draining requests and stopping`);
      stop().then(
        () => {
          logger.info("stopped");
          resolve(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, "stopping failed");
          resolve(1);
        },
      );
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}

export const serveCommand: CliCommand = {
  name: "serve",
  usage: "kindred serve",
  summary: "start the API (GraphQL over HTTP and WebSocket) and, by default, the job worker",
  async run(_args, { config, logger }) {
    const app = await startApp({ config, logger });
    const lines = [`Kindred is listening at ${app.url} (WebSocket subscriptions on the same URL)`];
    if (app.bootstrapKey) {
      lines.push(
        "Created the default workspace and its first admin API key. It is shown only this once; keep it:",
        `  ${app.bootstrapKey}`,
        `Try: curl -s ${app.url} -H 'content-type: application/json' -H 'authorization: Bearer ${app.bootstrapKey}' -d '{"query":"{ viewer { workspace { id name } role } }"}'`,
      );
    }
    process.stdout.write(lines.join("\n") + "\n");
    return untilSignal(app.stop, logger);
  },
};

export const workerCommand: CliCommand = {
  name: "worker",
  usage: "kindred worker",
  summary: "run background jobs and schedules only (no HTTP), for larger deployments",
  async run(_args, { config, logger }) {
    const runtime = await createRuntime(config, logger, { work: true });
    logger.info({ kinds: runtime.jobs.kinds() }, "worker started");
    return untilSignal(runtime.close, logger);
  },
};

export const migrateCommand: CliCommand = {
  name: "migrate",
  usage: "kindred migrate",
  summary: "apply pending database migrations and exit",
  async run(_args, { config, logger }) {
    const runtime = await createRuntime(config, logger, { work: false, startJobs: false });
    const pending = await runtime.database.dataSource.showMigrations();
    process.stdout.write(pending ? "migrations are still pending\n" : "database schema is up to date\n");
    await runtime.close();
    return pending ? 1 : 0;
  },
};

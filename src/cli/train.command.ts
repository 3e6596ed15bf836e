import { createRuntime } from "../server/kernel-factory";
import { WORKSPACES } from "../workspaces/workspaces.module";
import { MODEL_REGISTRY, MODEL_TRAINERS } from "../models/models.module";
import { runTraining } from "../models/train-job";
import { Progress } from "../common/progress";
import { DomainError } from "../common/errors";
import { CliError, option, requireOption } from "./args";
import type { CliCommand } from "./commands";

/** `kindred train`: trains one model kind for a workspace in this process and stages (or activates) it. */
export const trainCommand: CliCommand = {
  name: "train",
  usage: "kindred train --workspace <id|name> --kind <ALS|EASE|ITEM_KNN|BOUGHT_TOGETHER|CONTENT|POPULAR|…> [--params '<json>'] [--activate]",
  summary: "train a model version from the workspace's events and catalog",
  async run(args, { config, logger }) {
    const kind = requireOption(args, "kind", "the model kind to train");
    let params: Record<string, unknown> = {};
    const raw = option(args, "params");
    if (raw) {
      try {
        params = JSON.parse(raw);
      } catch (error) {
        throw new CliError(`--params must be a JSON object: ${(error as Error).message}`);
      }
      if (!params || typeof params !== "object" || Array.isArray(params)) throw new CliError("--params must be a JSON object");
    }
    const runtime = await createRuntime(config, logger, { work: false, startJobs: false });
    try {
      const ref = requireOption(args, "workspace", "a workspace id or name");
      const workspace = await runtime.registry.get(WORKSPACES).find(ref);
      if (!workspace) throw new CliError(`no workspace "${ref}"`);
      const registry = runtime.registry.get(MODEL_REGISTRY);
      const trainers = runtime.registry.get(MODEL_TRAINERS);
      const bar = new Progress(`train ${kind}`, 100);
      const deps = { registry, trainers, dataSource: runtime.kernel.dataSource, logger, clock: runtime.kernel.clock };
      try {
        const version = await runTraining(deps, workspace.id, { kind, params, activate: option(args, "activate") === "true", by: "cli" }, {
          jobId: null,
          signal: new AbortController().signal,
          progress: async (share, message) => bar.update(Math.round(share * 100), message ?? ""),
        });
        bar.finish(100, "done");
        process.stdout.write(`${version.kind} v${version.version} ${version.status} (id ${version.id}, sha256 ${version.sha256.slice(0, 12)}…)\n`);
        process.stdout.write(`metrics ${JSON.stringify(version.metrics)}\ncounts  ${JSON.stringify(version.dataCounts)}\n`);
      } catch (error) {
        // Field paths name the GraphQL input; at the terminal they are the flags.
        if (error instanceof DomainError) throw new CliError(error.message.replace(/\binput\.params\./g, "--params ").replace(/\binput\./g, "--"));
        throw error;
      }
    } finally {
      await runtime.close();
    }
  },
};

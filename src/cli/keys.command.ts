import { createRuntime } from "../server/kernel-factory";
import { API_KEYS, WORKSPACES } from "../workspaces/workspaces.module";
import { parseRole, ALL_ROLES } from "../workspaces/role";
import { ApiKey } from "../workspaces/api-key.entity";
import { CliError, option, requireOption } from "./args";
import type { CliCommand } from "./commands";

export const keysCommand: CliCommand = {
  name: "keys",
  usage: `kindred keys create --role <${ALL_ROLES.join("|")}> --workspace <id|name> [--name <label>] | kindred keys revoke <id|prefix> | kindred keys list --workspace <id|name>`,
  summary: "create, list and revoke API keys",
  async run(args, { config, logger }) {
    const action = args.positional[1];
    if (!["create", "revoke", "list"].includes(action ?? "")) throw new CliError(`usage: ${this.usage}`);
    const runtime = await createRuntime(config, logger, { work: false, startJobs: false });
    try {
      const workspaces = runtime.registry.get(WORKSPACES);
      const apiKeys = runtime.registry.get(API_KEYS);
      const findWorkspace = async () => {
        const ref = requireOption(args, "workspace", "a workspace id or name (see `kindred workspaces list`)");
        const workspace = await workspaces.find(ref);
        if (!workspace) throw new CliError(`no workspace "${ref}"; create it with \`kindred workspaces create --name ${ref}\``);
        return workspace;
      };
      if (action === "create") {
        let role;
        try {
          role = parseRole(requireOption(args, "role", ALL_ROLES.join(", ")));
        } catch (error) {
          throw new CliError(`--role ${(error as Error).message}`);
        }
        const workspace = await findWorkspace();
        const { apiKey, secret } = await apiKeys.create(workspace.id, option(args, "name") ?? `${role} key`, role);
        process.stdout.write(`created ${role} key ${apiKey.prefix} (id ${apiKey.id}) in workspace ${workspace.name}; shown once:\n${secret}\n`);
      } else if (action === "revoke") {
        const ref = args.positional[2];
        if (!ref) throw new CliError("usage: kindred keys revoke <id|prefix>");
        const key = await apiKeys.revokeAnywhere(ref);
        process.stdout.write(`revoked ${key.prefix} (id ${key.id})\n`);
      } else {
        const workspace = await findWorkspace();
        const keys = await runtime.kernel.dataSource.getRepository(ApiKey).find({ where: { workspaceId: workspace.id }, order: { createdAt: "ASC" } });
        for (const k of keys) process.stdout.write(`${k.id}  ${k.prefix}  ${k.role.padEnd(8)}  ${k.revokedAt ? "revoked" : "active "}  ${k.name}\n`);
      }
    } finally {
      await runtime.close();
    }
  },
};

export const workspacesCommand: CliCommand = {
  name: "workspaces",
  usage: "kindred workspaces create --name <name> | kindred workspaces list",
  summary: "create and list workspaces",
  async run(args, { config, logger }) {
    const action = args.positional[1];
    if (!["create", "list"].includes(action ?? "")) throw new CliError(`usage: ${this.usage}`);
    const runtime = await createRuntime(config, logger, { work: false, startJobs: false });
    try {
      const workspaces = runtime.registry.get(WORKSPACES);
      if (action === "create") {
        const workspace = await workspaces.create(requireOption(args, "name", "the new workspace's name"));
        process.stdout.write(`created workspace ${workspace.name} (id ${workspace.id})\n`);
      } else {
        const rows = await runtime.kernel.dataSource.query(`SELECT id, name, created_at FROM workspaces ORDER BY created_at`);
        for (const w of rows) process.stdout.write(`${w.id}  ${w.name}\n`);
      }
    } finally {
      await runtime.close();
    }
  },
};

import { UserInputError, type FieldProblem } from "../common/errors";
import { assertUuid } from "../common/validation";
import type { WorkspaceScope } from "../db/workspace-scope";
import { Campaign } from "./campaign.entity";
import type { CreateCampaignInput, UpdateCampaignInput } from "./experiment.inputs";
import { checkUuid } from "./experiment-rules";

const MAX_WINDOW_HOURS = 24 * 90;

function checkSettings(input: { attributionWindowHours?: number | null; machineOpenSeconds?: number | null }, problems: FieldProblem[]): void {
  const w = input.attributionWindowHours;
  if (w != null && !(Number.isInteger(w) && w >= 1 && w <= MAX_WINDOW_HOURS)) problems.push({ path: "input.attributionWindowHours", message: `must be an integer from 1 to ${MAX_WINDOW_HOURS}` });
  const m = input.machineOpenSeconds;
  if (m != null && !(Number.isInteger(m) && m >= 0 && m <= 3600)) problems.push({ path: "input.machineOpenSeconds", message: "must be an integer from 0 to 3600" });
}

/** Campaigns: sends that group renders and carry their attribution settings. */
export class CampaignService {
  async create(scope: WorkspaceScope, input: CreateCampaignInput): Promise<Campaign> {
    const problems: FieldProblem[] = [];
    if (!input.name?.trim()) problems.push({ path: "input.name", message: "must not be empty" });
    checkUuid(input.templateId, "input.templateId", problems);
    checkSettings(input, problems);
    if (problems.length) throw new UserInputError(problems);
    return scope.save(Campaign, {
      name: input.name.trim(),
      templateId: input.templateId ?? null,
      ...(input.attributionWindowHours != null ? { attributionWindowHours: input.attributionWindowHours } : {}),
      ...(input.machineOpenSeconds != null ? { machineOpenSeconds: input.machineOpenSeconds } : {}),
      ...(input.includeMachineOpens != null ? { includeMachineOpens: input.includeMachineOpens } : {}),
    });
  }

  async update(scope: WorkspaceScope, input: UpdateCampaignInput): Promise<Campaign> {
    assertUuid(input.id, "input.id");
    const problems: FieldProblem[] = [];
    if (input.name != null && !input.name.trim()) problems.push({ path: "input.name", message: "must not be empty" });
    checkSettings(input, problems);
    if (problems.length) throw new UserInputError(problems);
    await this.get(scope, input.id);
    const patch: Partial<Campaign> = {};
    if (input.name != null) patch.name = input.name.trim();
    if (input.attributionWindowHours != null) patch.attributionWindowHours = input.attributionWindowHours;
    if (input.machineOpenSeconds != null) patch.machineOpenSeconds = input.machineOpenSeconds;
    if (input.includeMachineOpens != null) patch.includeMachineOpens = input.includeMachineOpens;
    if (Object.keys(patch).length) await scope.update(Campaign, { id: input.id }, patch);
    return this.get(scope, input.id);
  }

  get(scope: WorkspaceScope, id: string): Promise<Campaign> {
    assertUuid(id, "id");
    return scope.get(Campaign, { id }, "Campaign", id);
  }
}

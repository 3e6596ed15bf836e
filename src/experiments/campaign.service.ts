import { ConflictError, UserInputError, type FieldProblem } from "../common/errors";
import type { WorkspaceScope } from "../db/workspace-scope";
import { Campaign } from "./campaign.entity";
import type { CreateCampaignInput, UpdateCampaignInput } from "./experiment.inputs";
import { checkUuid } from "./experiment-rules";
import { campaignIdOf, isCampaignKey } from "./campaign-key";
import { isUuid } from "../common/validation";

/** A campaign by id or by key (the campaignId given to render), or NOT_FOUND. */
export function campaignOf(scope: WorkspaceScope, idOrKey: string): Promise<Campaign> {
  if (!isUuid(idOrKey) && !isCampaignKey(idOrKey)) throw UserInputError.single("id", "must be a campaign UUID or key (1–200 letters, digits, _ . : -)");
  return scope.get(Campaign, { id: campaignIdOf(scope.workspaceId, idOrKey) }, "Campaign", idOrKey);
}

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
    if (input.key != null && !isCampaignKey(input.key)) problems.push({ path: "input.key", message: "must be 1–200 letters, digits, _ . : - (and not a UUID)" });
    checkSettings(input, problems);
    if (problems.length) throw new UserInputError(problems);
    // A keyed campaign gets the id its key maps to, so renders that name it by key land here.
    if (input.key && (await scope.findOne(Campaign, { id: campaignIdOf(scope.workspaceId, input.key) }))) throw new ConflictError(`A campaign with key "${input.key}" already exists`);
    return scope.save(Campaign, {
      ...(input.key ? { id: campaignIdOf(scope.workspaceId, input.key), key: input.key } : {}),
      name: input.name.trim(),
      templateId: input.templateId ?? null,
      ...(input.attributionWindowHours != null ? { attributionWindowHours: input.attributionWindowHours } : {}),
      ...(input.machineOpenSeconds != null ? { machineOpenSeconds: input.machineOpenSeconds } : {}),
      ...(input.includeMachineOpens != null ? { includeMachineOpens: input.includeMachineOpens } : {}),
    });
  }

  async update(scope: WorkspaceScope, input: UpdateCampaignInput): Promise<Campaign> {
    const problems: FieldProblem[] = [];
    if (input.name != null && !input.name.trim()) problems.push({ path: "input.name", message: "must not be empty" });
    checkSettings(input, problems);
    if (problems.length) throw new UserInputError(problems);
    const campaign = await campaignOf(scope, input.id);
    const patch: Partial<Campaign> = {};
    if (input.name != null) patch.name = input.name.trim();
    if (input.attributionWindowHours != null) patch.attributionWindowHours = input.attributionWindowHours;
    if (input.machineOpenSeconds != null) patch.machineOpenSeconds = input.machineOpenSeconds;
    if (input.includeMachineOpens != null) patch.includeMachineOpens = input.includeMachineOpens;
    if (Object.keys(patch).length) await scope.update(Campaign, { id: campaign.id }, patch);
    return campaignOf(scope, campaign.id);
  }

  get(scope: WorkspaceScope, idOrKey: string): Promise<Campaign> {
    return campaignOf(scope, idOrKey);
  }
}

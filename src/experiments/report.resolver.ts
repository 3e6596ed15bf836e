import { Arg, Authorized, Ctx, FieldResolver, Float, ID, Query, Resolver, Root, Subscription } from "type-graphql";
import type { RequestContext } from "../common/context";
import type { Payload } from "../common/bus";
import { UserInputError } from "../common/errors";
import { isUuid } from "../common/validation";
import { Can } from "../workspaces/role";
import { BanditArm, CampaignReport, ExperimentResults, SegmentBreakdown } from "./report.types";
import { ExperimentMetric } from "./experiment.entity";
import type { ReportService } from "./report.service";
import "./results-notifier";

function checkSegmentIds(ids: string[] | null | undefined): string[] | null {
  if (!ids) return null;
  const problems = ids.map((id, i) => (isUuid(id) ? null : { path: `segmentIds[${i}]`, message: "must be a UUID" })).filter((p) => p !== null);
  if (problems.length) throw new UserInputError(problems);
  return ids;
}

@Resolver(() => ExperimentResults)
export class ReportResolver {
  constructor(private readonly reports: ReportService) {}

  @Authorized(...Can.read)
  @Query(() => ExperimentResults, { description: "An experiment's arms over all its campaigns, with statistics and a verdict" })
  experimentResults(
    @Arg("id", () => ID) id: string,
    @Arg("segmentIds", () => [ID], { nullable: true, description: "Segments to break down by (default: the 10 largest)" }) segmentIds: string[] | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ExperimentResults> {
    return this.reports.experimentResults(ctx.scope, id, checkSegmentIds(segmentIds));
  }

  @Authorized(...Can.read)
  @Query(() => CampaignReport, { description: "A campaign's sends, opens, clicks, conversions and revenue, per experiment arm" })
  campaignReport(
    @Arg("id", () => ID, { description: "Campaign id or key" }) id: string,
    @Arg("segmentIds", () => [ID], { nullable: true }) segmentIds: string[] | null,
    @Ctx() ctx: RequestContext,
  ): Promise<CampaignReport> {
    return this.reports.campaignReport(ctx.scope, id, checkSegmentIds(segmentIds));
  }

  @Authorized(...Can.read)
  @Query(() => [BanditArm], { description: "Thompson-sampling split for the next sends of an experiment (subject lines): chance each arm is best" })
  experimentBandit(
    @Arg("id", () => ID) id: string,
    @Arg("metric", () => ExperimentMetric, { defaultValue: ExperimentMetric.CLICK_RATE }) metric: ExperimentMetric,
    @Arg("minShare", () => Float, { defaultValue: 0.05, description: "Floor per arm, 0 to 0.5" }) minShare: number,
    @Ctx() ctx: RequestContext,
  ): Promise<BanditArm[]> {
    if (metric === ExperimentMetric.REVENUE_PER_RECIPIENT) throw UserInputError.single("metric", "the bandit works on rates: OPEN_RATE, CLICK_RATE or CONVERSION_RATE");
    if (!(minShare >= 0 && minShare <= 0.5)) throw UserInputError.single("minShare", "must be between 0 and 0.5");
    return this.reports.bandit(ctx.scope, id, metric, minShare);
  }

  @Authorized(...Can.read)
  @FieldResolver(() => [SegmentBreakdown], { description: "The arms within each segment (membership at send time)" })
  segments(@Root() results: ExperimentResults, @Ctx() ctx: RequestContext): Promise<SegmentBreakdown[]> {
    return this.reports.segments(ctx.scope, results);
  }

  @Authorized(...Can.read)
  @Subscription(() => ExperimentResults, {
    topics: "experiment.resultsUpdated",
    filter: ({ payload, args, context }: { payload: Payload<"experiment.resultsUpdated">; args: { experimentId: string }; context: RequestContext }) =>
      payload.experimentId === args.experimentId && payload.workspaceId === context.auth?.workspaceId,
    description: "Fresh results of one experiment as sends and outcomes arrive (at most every 2 s)",
  })
  experimentResultsUpdated(
    @Root() payload: Payload<"experiment.resultsUpdated">,
    @Arg("experimentId", () => ID) _experimentId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ExperimentResults> {
    return this.reports.liveResults(ctx.scope, payload.experimentId);
  }
}

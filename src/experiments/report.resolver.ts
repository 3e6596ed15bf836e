import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root, Subscription } from "type-graphql";
import type { RequestContext } from "../common/context";
import type { Payload } from "../common/bus";
import { UserInputError } from "../common/errors";
import { isUuid } from "../common/validation";
import { Can } from "../workspaces/role";
import { CampaignReport, ExperimentResults, SegmentBreakdown } from "./report.types";
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
    @Arg("id", () => ID) id: string,
    @Arg("segmentIds", () => [ID], { nullable: true }) segmentIds: string[] | null,
    @Ctx() ctx: RequestContext,
  ): Promise<CampaignReport> {
    return this.reports.campaignReport(ctx.scope, id, checkSegmentIds(segmentIds));
  }

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
    return this.reports.experimentResults(ctx.scope, payload.experimentId);
  }
}

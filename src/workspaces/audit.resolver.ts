import { Args, Arg, Authorized, Ctx, Field, InputType, Query, Resolver } from "type-graphql";
import { IsOptional, Matches, MaxLength } from "class-validator";
import type { RequestContext } from "../common/context";
import { ConnectionType, PageArgs, decodeCursor, toConnection, type Connection } from "../common/pagination";
import { ProblemCollector } from "../common/errors";
import { isUuid } from "../common/validation";
import { AuditEntry } from "./audit-entry.entity";
import { Can } from "./role";

const AuditEntryConnection = ConnectionType(AuditEntry);

/** Narrows the audit log; every given filter must match. */
@InputType()
export class AuditLogFilter {
  @Field(() => String, { nullable: true, description: "Entries made with this API key id" })
  @IsOptional()
  apiKeyId?: string;

  @Field(() => String, { nullable: true, description: "Entries that called this root field (e.g. eraseProfile)" })
  @IsOptional()
  @MaxLength(100)
  field?: string;

  @Field(() => String, { nullable: true, description: "Entries whose arguments named this id (e.g. a profile id)" })
  @IsOptional()
  @MaxLength(100)
  targetId?: string;

  @Field(() => String, { nullable: true, description: "mutation or query" })
  @IsOptional()
  @Matches(/^(mutation|query)$/, { message: "must be mutation or query" })
  operationType?: string;

  @Field(() => Boolean, { nullable: true, description: "Only reads of personal data (true) or only the rest (false)" })
  @IsOptional()
  personalData?: boolean;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  since?: Date;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  until?: Date;
}

@Resolver()
export class AuditResolver {
  @Authorized(...Can.administer)
  @Query(() => AuditEntryConnection, { description: "The workspace's audit trail (mutations and reads of personal data), newest first" })
  async auditLog(
    @Args() { first, after }: PageArgs,
    @Arg("filter", () => AuditLogFilter, { nullable: true }) filter: AuditLogFilter | null,
    @Ctx() ctx: RequestContext,
  ): Promise<Connection<AuditEntry>> {
    const problems = new ProblemCollector();
    if (filter?.apiKeyId && !isUuid(filter.apiKeyId)) problems.add("filter.apiKeyId", "must be a UUID");
    let before: string | null = null;
    if (after) {
      const [id] = decodeCursor(after, 1);
      if (typeof id !== "string" || !/^\d{1,19}$/.test(id)) problems.add("after", "is not a cursor returned by this API");
      else before = id;
    }
    problems.throwIfAny();
    const q = ctx.scope.query(AuditEntry, "a").orderBy("a.id", "DESC").take(first + 1);
    if (before) q.andWhere("a.id < :before", { before });
    if (filter?.apiKeyId) q.andWhere("a.api_key_id = :apiKeyId", { apiKeyId: filter.apiKeyId });
    if (filter?.field) q.andWhere(":field = ANY(a.fields)", { field: filter.field });
    if (filter?.targetId) q.andWhere(":targetId = ANY(a.target_ids)", { targetId: filter.targetId });
    if (filter?.operationType) q.andWhere("a.operation_type = :operationType", { operationType: filter.operationType });
    if (filter?.personalData !== undefined && filter?.personalData !== null) q.andWhere("a.personal_data = :personal", { personal: filter.personalData });
    if (filter?.since) q.andWhere("a.at >= :since", { since: filter.since });
    if (filter?.until) q.andWhere("a.at < :until", { until: filter.until });
    const rows = await q.getMany();
    return toConnection(rows, first, (a) => [String(a.id)], Boolean(after));
  }
}

import { Arg, Authorized, Ctx, Int, Query, Resolver } from "type-graphql";
import type { KindredModule } from "../../src/common/kernel";
import type { RequestContext } from "../../src/common/context";
import { Can } from "../../src/workspaces/role";

/** Test-only resolvers: a slow query (shutdown tests) and an unexpected failure (masking tests). */
@Resolver()
class FixtureResolver {
  @Authorized(...Can.any)
  @Query(() => Int)
  async slow(@Arg("ms", () => Int) ms: number): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return ms;
  }

  @Authorized(...Can.any)
  @Query(() => Int)
  async boom(@Ctx() ctx: RequestContext): Promise<number> {
    // What an unexpected database failure looks like: must never reach the client.
    await ctx.scope.manager.query("SELECT * FROM table_that_does_not_exist WHERE secret = 'hunter2'");
    return 1;
  }
}

/** Registers the fixture resolvers and a cancellable job that counts to `steps`. */
export const fixtureModule: KindredModule = {
  name: "test-fixture",
  entities: [],
  create(kernel) {
    kernel.jobs.define<{ steps: number; stepMs: number }, { counted: number }>({
      kind: "test.count",
      async handle(ctx) {
        let counted = 0;
        for (let i = 0; i < ctx.params.steps; i++) {
          if (ctx.signal.aborted) break;
          await new Promise((resolve) => setTimeout(resolve, ctx.params.stepMs));
          counted++;
          await ctx.progress(counted / ctx.params.steps, `step ${counted}`);
        }
        return { counted };
      },
    });
    return { resolvers: [new FixtureResolver()] };
  },
};

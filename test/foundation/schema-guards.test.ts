import { getNamedType, isInputObjectType, isObjectType } from "graphql";
import { getMetadataStorage } from "type-graphql";
import { buildOfflineSchema } from "../../src/cli/schema-offline";

describe("schema guards", () => {
  it("should carry an explicit role guard on every query, mutation and subscription", async () => {
    const schema = await buildOfflineSchema();
    const storage = getMetadataStorage();
    const guarded = new Set(storage.authorizedFields.map((a) => `${a.target.name}.${a.fieldName}`));
    const handlers = [...storage.queries, ...storage.mutations, ...storage.subscriptions];
    const unguarded: string[] = [];
    for (const rootType of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      if (!rootType || !isObjectType(rootType)) continue;
      for (const field of Object.keys(rootType.getFields())) {
        const handler = handlers.find((h) => h.schemaName === field);
        if (!handler || !guarded.has(`${handler.target.name}.${handler.methodName}`)) unguarded.push(`${rootType.name}.${field}`);
      }
    }
    expect(unguarded).toEqual([]);
  });

  it("should give every mutation input-object arguments and a payload type", async () => {
    const schema = await buildOfflineSchema();
    const offenders = Object.values(schema.getMutationType()?.getFields() ?? {})
      .filter((f) => f.args.some((a) => !isInputObjectType(getNamedType(a.type))) || !String(f.type).replace("!", "").endsWith("Payload"))
      .map((f) => f.name);
    expect(offenders).toEqual([]);
  });
});

import { buildSchema, parse, type OperationDefinitionNode } from "graphql";
import { MAX_TARGET_IDS, describeOperation, shouldAudit } from "./audit-describe";

const schema = buildSchema(`
  type Profile { id: ID! traits: String }
  type Segment { id: ID! name: String members: [Profile!]! }
  type Event { id: ID! type: String }
  type EventTypeDefinition { name: String }
  input EventInput { messageId: String userId: String type: String }
  input TrackInput { events: [EventInput!]! }
  type Query { profile(id: ID!): Profile segment(id: ID!): Segment segments: [Segment!]! rejectedEvents: [Event!]! eventTypes: [EventTypeDefinition!]! }
  type Mutation { trackEvents(input: TrackInput!): Int deleteSegment(id: ID!): Int setEmail(profileId: ID!, email: String!): Int }
`);

function summarize(query: string, variables?: Record<string, unknown>) {
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === "OperationDefinition") as OperationDefinitionNode;
  return describeOperation(schema, document, operation, variables);
}

describe("describeOperation", () => {
  it("should record root fields and ids from variables and literals when a mutation runs", () => {
    const s = summarize(`mutation($id: ID!) { deleteSegment(id: $id) a: setEmail(profileId: "p-1", email: "x@y.z") }`, { id: "seg-9" });
    expect(s.operationType).toBe("mutation");
    expect(s.fields).toEqual(["deleteSegment", "setEmail"]);
    expect(s.targetIds.sort()).toEqual(["p-1", "seg-9"]);
    expect(shouldAudit(s)).toBe(true);
  });

  it("should never record personal identifiers or free text when arguments carry them", () => {
    const s = summarize(`mutation($input: TrackInput!) { trackEvents(input: $input) }`, {
      input: { events: [{ messageId: "m1", userId: "alice@example.com", type: "view" }, { messageId: "m2", userId: "u-42" }] },
    });
    expect(s.targetIds).toEqual(["m1", "m2"]);
    expect(JSON.stringify(s)).not.toContain("alice");
    expect(JSON.stringify(s)).not.toContain("u-42");
  });

  it("should cap the recorded ids but count them all when a batch is large", () => {
    const events = Array.from({ length: 100 }, (_, i) => ({ messageId: `m${i}` }));
    const s = summarize(`mutation($input: TrackInput!) { trackEvents(input: $input) }`, { input: { events } });
    expect(s.targetIds).toHaveLength(MAX_TARGET_IDS);
    expect(s.targetCount).toBe(100);
  });

  it("should flag personal reads when a query selects profiles at any depth", () => {
    expect(shouldAudit(summarize(`{ profile(id: "p") { id } }`))).toBe(true);
    expect(summarize(`{ segments { id members { id } } }`).personalData).toBe(true);
    expect(summarize(`query { ...F } fragment F on Query { segment(id: "s") { members { traits } } }`).personalData).toBe(true);
  });

  it("should not audit reads when they touch no personal data", () => {
    expect(summarize(`{ eventTypes { name } }`).personalData).toBe(false);
    expect(summarize(`{ rejectedEvents { id } }`).personalData).toBe(true);
    const s = summarize(`{ segments { id name } }`);
    expect(s.personalData).toBe(false);
    expect(shouldAudit(s)).toBe(false);
  });
});

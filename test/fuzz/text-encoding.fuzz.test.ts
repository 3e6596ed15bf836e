import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";

// PostgreSQL text and jsonb cannot hold NUL or unpaired surrogates: such input must get a clear
// error naming where it is (ideally per event, at least per request), never a 500.
describe("text PostgreSQL cannot store", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("encoding");
  });
  afterAll(() => t.stop());

  const TRACK = `mutation($events: [EventInput!]!) { trackEvents(events: $events) { results { status } } }`;
  const cases: [string, Record<string, unknown>, string][] = [
    ["a NUL in a property", { properties: { note: "a\u0000b" } }, "events[0].properties.note"],
    ["a NUL in the user id", { userId: "u\u0000" }, "events[0].userId"],
    ["a lone surrogate in the messageId", { messageId: "enc-\ud800" }, "events[0].messageId"],
    ["a NUL in a property name", { properties: { "k\u0000": 1 } }, "events[0].properties.k\u0000"],
  ];

  it.each(cases)("should answer %s with a clear error naming its path, keeping any good event", async (_name, bad, path) => {
    const events = [{ messageId: `enc-${Math.random()}`, type: "page_view", userId: "enc-user", ...bad }, { messageId: `enc-ok-${Math.random()}`, type: "page_view", userId: "enc-user" }];
    const res = await t.gql<{ trackEvents: { results: { status: string }[] } }>(TRACK, { events }, ws.keys.ingest);
    if (res.data?.trackEvents) {
      expect(res.data.trackEvents.results.map((r) => r.status)).toEqual(["REJECTED", "ACCEPTED"]);
    } else {
      expect(res.status).toBe(400);
      expect(res.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
      expect((res.errors![0].extensions!.problems as { path: string }[])[0].path).toBe(path);
    }
  });

  it("should refuse such text in document literals and in identify with BAD_USER_INPUT", async () => {
    const literal = await t.gql(`mutation { identify(input: { identifiers: { user_id: "a\\u0000b" } }) { profile { id } } }`, {}, ws.keys.ingest);
    expect(literal.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
    const variables = await t.gql(`mutation($t: JSONObject) { identify(input: { identifiers: { user_id: "ok" }, traits: $t }) { profile { id } } }`, { t: { name: "x\udfff" } }, ws.keys.ingest);
    expect(variables.errors![0].extensions!.problems).toEqual([{ path: "t.name", message: expect.stringContaining("surrogate") }]);
  });
});

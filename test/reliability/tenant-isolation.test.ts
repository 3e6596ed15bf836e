import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { newStats, sendUntilAcknowledged } from "./support/ingest-client";

describe("tenant isolation under concurrency", () => {
  let t: TestApp;
  let spaces: TestWorkspace[];

  beforeAll(async () => {
    t = await startTestApp({ KINDRED_RATE_LIMIT_PER_SECOND: "0" });
    spaces = await Promise.all([0, 1, 2].map((i) => t.createWorkspace(`iso-${i}`)));
  });
  afterAll(() => t.stop());

  it("should keep events, profiles and reads apart when workspaces ingest the same ids at the same time", async () => {
    const deadline = Date.now() + 60_000;
    const perWorkspace = new Map<string, ReturnType<typeof newStats>>();
    const reads: Promise<void>[] = [];
    const leaks: string[] = [];
    // The same messageIds and userIds in every workspace, sent concurrently, with reads interleaved.
    await Promise.all(
      spaces.flatMap((ws) => {
        const stats = newStats();
        perWorkspace.set(ws.id, stats);
        return [0, 1].map(async (c) => {
          for (let b = 0; b < 5; b++) {
            const events = Array.from({ length: 25 }, (_, i) => ({ messageId: `shared-${c}-${b}-${i}`, type: "page_view", userId: `shared-user-${i % 10}`, properties: { workspaceMark: ws.id } }));
            await sendUntilAcknowledged(() => t.url, ws.keys.ingest, events, stats, deadline);
            reads.push(
              t.gql<{ profileByIdentifier: { id: string; events: { edges: { node: { properties: { workspaceMark: string } } }[] } } | null }>(
                `{ profileByIdentifier(type: "user_id", value: "shared-user-${b % 10}") { id events(first: 50) { edges { node { properties } } } } }`,
                {},
                ws.keys.analyst,
              ).then((res) => {
                for (const e of res.data?.profileByIdentifier?.events.edges ?? []) if (e.node.properties.workspaceMark !== ws.id) leaks.push(`${ws.id} saw ${e.node.properties.workspaceMark}`);
                if (res.errors) leaks.push(`read failed: ${JSON.stringify(res.errors[0])}`);
              }),
            );
          }
        });
      }),
    );
    await Promise.all(reads);
    expect(leaks).toEqual([]);

    const db = t.app.runtime.kernel.dataSource;
    for (const ws of spaces) {
      const stats = perWorkspace.get(ws.id)!;
      // Same messageIds in other workspaces are not duplicates here.
      expect(Object.fromEntries(stats.statuses)).toEqual({ ACCEPTED: 250 });
      const [{ n, marks }] = await db.query(`SELECT count(*)::int AS n, array_agg(DISTINCT properties->>'workspaceMark') AS marks FROM events WHERE workspace_id = $1`, [ws.id]);
      expect([n, marks]).toEqual([250, [ws.id]]);
    }
    const crossed = await db.query(
      `SELECT 'identifier' AS what, count(*)::int AS n FROM profile_identifiers i JOIN profiles p ON p.id = i.profile_id WHERE p.workspace_id <> i.workspace_id
       UNION ALL SELECT 'event', count(*)::int FROM events e JOIN profiles p ON p.id = e.profile_id WHERE p.workspace_id <> e.workspace_id
       UNION ALL SELECT 'merge', count(*)::int FROM profiles p JOIN profiles s ON s.id = p.merged_into_id WHERE s.workspace_id <> p.workspace_id`,
    );
    // UNION ALL has no guaranteed order: compare as a map.
    expect(Object.fromEntries(crossed.map((r: { what: string; n: number }) => [r.what, r.n]))).toEqual({ identifier: 0, event: 0, merge: 0 });
  });

  it("should answer NOT_FOUND for another workspace's profile under concurrent requests", async () => {
    const [a, b] = spaces;
    const owned = await t.gql<{ profileByIdentifier: { id: string } }>(`{ profileByIdentifier(type: "user_id", value: "shared-user-1") { id } }`, {}, b.keys.analyst);
    const idOfB = owned.data!.profileByIdentifier.id;
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2
          ? t.gql<{ profile: { id: string } | null }>(`query($id: ID!) { profile(id: $id) { id } }`, { id: idOfB }, a.keys.analyst)
          : t.gql(`query($id: ID!) { exportProfileData(profileId: $id) { profileId } }`, { id: idOfB }, a.keys.admin),
      ),
    );
    for (const res of answers) {
      const data = res.data as { profile?: { id: string } | null } | null | undefined;
      if (data && "profile" in data) expect(data.profile).toBeNull();
      else expect(res.errors![0].extensions!.code).toBe("NOT_FOUND");
    }
  });
});

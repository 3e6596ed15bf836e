import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { runImport, type ImportRequest } from "../../src/cli/import-runner";

const FILE = `${__dirname}/../../../shared/datasets/online-retail/online_retail.csv.gz`;

describe("import of the Online Retail dataset", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  const request = (kind: ImportRequest["kind"], rowLimit: number): ImportRequest => ({ kind, file: FILE, workspaceId: ws.id, preset: "online-retail", rules: [], sets: [], source: {}, batchSize: 1000, rowLimit, quiet: true });
  const count = async (sql: string) => Number((await t.app.runtime.kernel.dataSource.query(sql, [ws.id]))[0].n);

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("retail");
  });
  afterAll(() => t.stop());

  it("should turn the first 5,000 rows' stock codes into 1,595 items", async () => {
    const s = await runImport(request("items", 5000), t.app.runtime.registry);
    expect(s).toMatchObject({ rows: 5000, records: 1595, accepted: 1595, rejected: 0 });
    expect(await count(`SELECT count(*) n FROM items WHERE workspace_id = $1 AND currency = 'GBP'`)).toBe(1595);
    expect(await count(`SELECT count(*) n FROM items WHERE workspace_id = $1 AND id = 'POST' AND 'non-product' = ANY(tags)`)).toBe(1);
  });

  it("should import the first 300 invoices (5,017 rows) as purchases and refunds, quarantining the 2 invalid ones", async () => {
    const s = await runImport(request("events", 5017), t.app.runtime.registry);
    expect(s).toMatchObject({ rows: 5017, records: 300, accepted: 298, duplicate: 0, rejected: 2 });
    expect(s.reasons).toEqual({ negative_value: 2 });
    expect(await count(`SELECT count(*) n FROM events WHERE workspace_id = $1 AND type = 'refund'`)).toBe(29);
    expect(await count(`SELECT count(*) n FROM events WHERE workspace_id = $1 AND type = 'purchase'`)).toBe(269);
    expect(await count(`SELECT count(*) n FROM rejected_events WHERE workspace_id = $1 AND source = 'import'`)).toBe(2);
    // Guest invoices (no CustomerID) become one anonymous profile each: 23 in the slice, 2 of them rejected.
    expect(await count(`SELECT count(*) n FROM profile_identifiers WHERE workspace_id = $1 AND type = 'anonymous_id'`)).toBe(21);
    // Invoice 536365 (customer 17850): 7 lines, 139.12 GBP, at 08:26 London time (GMT in December).
    const [row] = await t.app.runtime.kernel.dataSource.query(`SELECT revenue, occurred_at, jsonb_array_length(properties->'lineItems') AS lines FROM events WHERE workspace_id = $1 AND message_id = 'online-retail:536365'`, [ws.id]);
    expect([Number(row.revenue), row.occurred_at.toISOString(), row.lines]).toEqual([139.12, "2010-12-01T08:26:00.000Z", 7]);
  });

  it("should answer DUPLICATE for every stored invoice when the same slice is imported again", async () => {
    const s = await runImport(request("events", 5017), t.app.runtime.registry);
    expect(s).toMatchObject({ records: 300, accepted: 0, duplicate: 298, rejected: 2 });
    expect(await count(`SELECT count(*) n FROM events WHERE workspace_id = $1`)).toBe(298);
  });
});

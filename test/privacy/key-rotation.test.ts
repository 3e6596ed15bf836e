import { randomBytes } from "node:crypto";
import type { DataSource } from "typeorm";
import { createDataSource } from "../../src/db/data-source";
import { FieldCipher } from "../../src/privacy/crypto/field-cipher";
import { rotateColumns, type EncryptedColumn } from "../../src/privacy/crypto/key-rotation";
import { testDatabaseUrl } from "../support/test-app";

describe("key rotation", () => {
  let db: DataSource;
  const column: EncryptedColumn = { table: "rotation_fixture", column: "secret", keyColumns: ["workspace_id", "id"], aadColumns: ["workspace_id", "id"] };

  beforeAll(async () => {
    db = createDataSource({ url: testDatabaseUrl(), entities: [], migrations: [] });
    await db.initialize();
    await db.query(`CREATE TABLE rotation_fixture (workspace_id uuid NOT NULL, id int NOT NULL, secret text, PRIMARY KEY (workspace_id, id))`);
  });
  afterAll(async () => {
    await db.query(`DROP TABLE IF EXISTS rotation_fixture`);
    await db.destroy();
  });

  it("should re-encrypt every old token under the newest key in batches and leave undecryptable ones untouched", async () => {
    const oldKey = randomBytes(32).toString("base64");
    const before = new FieldCipher([oldKey]);
    const ws = "6f1c1b1e-0000-4000-8000-000000000001";
    const rows = Array.from({ length: 1234 }, (_, i) => ({ id: i, plain: `person-${i}@example.com` }));
    await db.query(`INSERT INTO rotation_fixture SELECT $1, unnest($2::int[]), unnest($3::text[])`, [ws, rows.map((r) => r.id), rows.map((r) => before.encrypt(r.plain, `${ws}|${r.id}`))]);
    const foreign = new FieldCipher([randomBytes(32).toString("base64")]).encrypt("lost", `${ws}|5000`);
    await db.query(`INSERT INTO rotation_fixture VALUES ($1, 5000, $2), ($1, 5001, NULL)`, [ws, foreign]);

    const after = new FieldCipher([randomBytes(32).toString("base64"), oldKey]);
    const report = await rotateColumns(db, after, [column], { batchSize: 200 });
    expect(report).toMatchObject({ rotated: 1234, failed: 1 });

    const stored: { id: number; secret: string | null }[] = await db.query(`SELECT id, secret FROM rotation_fixture ORDER BY id`);
    for (const row of stored.filter((r) => r.id < 5000)) {
      expect(after.needsRotation(row.secret!)).toBe(false);
      expect(after.decrypt(row.secret!, `${ws}|${row.id}`)).toBe(`person-${row.id}@example.com`);
    }
    expect(stored.find((r) => r.id === 5000)!.secret).toBe(foreign);
    expect(await rotateColumns(db, after, [column])).toMatchObject({ rotated: 0, failed: 1 });
  });
});

import { randomBytes } from "node:crypto";
import { rotateColumns } from "../../src/privacy/crypto/key-rotation";
import { PRIVACY_CRYPTO } from "../../src/privacy/privacy.module";
import { protectPlaintextIdentifiers } from "../../src/privacy/protect-identifiers";
import { startTestApp, type TestApp, type TestWorkspace } from "../support/test-app";
import { track } from "./support";

const OLD_KEY = Buffer.alloc(32, 7).toString("base64"); // the test environment's key

describe("encryption of identifiers at rest", () => {
  let t: TestApp;
  let ws: TestWorkspace;
  const db = () => t.app.runtime.kernel.dataSource;
  const stored = async (type: string) => db().query(`SELECT value, value_encrypted FROM profile_identifiers WHERE workspace_id = $1 AND type = $2 ORDER BY value`, [ws.id, type]) as Promise<{ value: string; value_encrypted: string | null }[]>;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await t.createWorkspace("crypto");
  });
  afterAll(() => t.stop());

  it("should store email and phone as blind index plus ciphertext and still find and show them", async () => {
    const res = await t.gql<{ identify: { profile: { id: string } } }>(`mutation { identify(input: { identifiers: { user_id: "enc-1", email: "Ada.Lovelace@Example.com", phone: "+44 20 7946 0000" } }) { profile { id } } }`, {}, ws.keys.ingest);
    expect(res.errors).toBeUndefined();
    const id = res.data!.identify.profile.id;
    for (const type of ["email", "phone"]) {
      const [row] = await stored(type);
      expect(row.value).toMatch(/^b1\.[A-Za-z0-9_-]{43}$/);
      expect(row.value_encrypted).toMatch(/^e1\.[0-9a-f]{8}\./);
    }
    const [{ n }] = await db().query(`SELECT count(*)::int AS n FROM profile_identifiers WHERE workspace_id = $1 AND (value ILIKE '%lovelace%' OR value_encrypted ILIKE '%lovelace%' OR value LIKE '%7946%')`, [ws.id]);
    expect(n).toBe(0);
    expect((await stored("user_id"))[0]).toEqual({ value: "enc-1", value_encrypted: null });

    const found = await t.gql<{ profileByIdentifier: { id: string; identifiers: { type: string; value: string }[] } }>(`{ profileByIdentifier(type: "email", value: " ada.lovelace@example.COM") { id identifiers { type value } } }`, {}, ws.keys.analyst);
    expect(found.data!.profileByIdentifier.id).toBe(id);
    expect(found.data!.profileByIdentifier.identifiers.map((i) => `${i.type}=${i.value}`).sort()).toEqual(["email=ada.lovelace@example.com", "phone=+44 20 7946 0000", "user_id=enc-1"]);
    // Events naming the e-mail address resolve to the same person.
    const out = await track(t, ws.keys.ingest, [{ messageId: "enc-e1", type: "page_view", email: "ADA.LOVELACE@example.com" }]);
    expect(out.results[0].profileId).toBe(id);
    const doc = await t.gql<{ exportProfileData: { document: { data: { identifiers: { type: string; value: string }[] } } } }>(`query($id: ID!) { exportProfileData(profileId: $id) { document } }`, { id }, ws.keys.admin);
    expect(doc.data!.exportProfileData.document.data.identifiers.find((i) => i.type === "email")!.value).toBe("ada.lovelace@example.com");
  });

  it("should convert plaintext identifiers left from before encryption when the module starts", async () => {
    await db().query(`INSERT INTO profiles (id, workspace_id, known) VALUES (gen_random_uuid(), $1, true)`, [ws.id]);
    await db().query(`INSERT INTO profile_identifiers (workspace_id, type, value, profile_id) SELECT $1, 'email', 'legacy@example.com', id FROM profiles WHERE workspace_id = $1 AND NOT EXISTS (SELECT 1 FROM profile_identifiers i WHERE i.profile_id = profiles.id)`, [ws.id]);
    const converted = await protectPlaintextIdentifiers(db(), t.app.runtime.registry.get(PRIVACY_CRYPTO).identifiers, t.app.runtime.kernel.logger);
    expect(converted).toBeGreaterThanOrEqual(1);
    expect((await stored("email")).every((r) => r.value.startsWith("b1.") && r.value_encrypted?.startsWith("e1."))).toBe(true);
    const found = await t.gql<{ profileByIdentifier: { identifiers: { value: string }[] } | null }>(`{ profileByIdentifier(type: "email", value: "legacy@example.com") { identifiers { value } } }`, {}, ws.keys.analyst);
    expect(found.data!.profileByIdentifier!.identifiers.map((i) => i.value)).toEqual(["legacy@example.com"]);
  });

  it("should re-encrypt identifiers under a new key and keep them readable when keys rotate", async () => {
    const newKey = randomBytes(32).toString("base64");
    const rotated = await startTestApp({ KINDRED_ENCRYPTION_KEYS: `${newKey},${OLD_KEY}` });
    try {
      const crypto = rotated.app.runtime.registry.get(PRIVACY_CRYPTO);
      const report = await rotateColumns(rotated.app.runtime.kernel.dataSource, crypto.cipher, crypto.encryptedColumns());
      expect(report.failed).toBe(0);
      expect(report.rotated).toBeGreaterThanOrEqual(3);
      for (const row of await stored("email")) expect(crypto.cipher.needsRotation(row.value_encrypted!)).toBe(false);
      const found = await rotated.gql<{ profileByIdentifier: { identifiers: { type: string; value: string }[] } }>(`{ profileByIdentifier(type: "user_id", value: "enc-1") { identifiers { type value } } }`, {}, ws.keys.analyst);
      expect(found.data!.profileByIdentifier.identifiers.find((i) => i.type === "email")!.value).toBe("ada.lovelace@example.com");
    } finally {
      await rotated.stop();
    }
  });
});

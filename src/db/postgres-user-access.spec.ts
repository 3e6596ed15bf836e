import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blockedAncestor } from "./postgres-user-access";

describe("blockedAncestor", () => {
  const root = mkdtempSync(join(tmpdir(), "kindred-access-"));
  const stranger = { uid: 54_321, gid: 54_321 };
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("should name the first directory another user may not enter", () => {
    const home = join(root, "home");
    mkdirSync(join(home, "project"), { recursive: true });
    chmodSync(root, 0o755);
    chmodSync(home, 0o700);
    expect(blockedAncestor(join(home, "project", ".data", "pg"), stranger)).toEqual({ dir: home, mode: "700" });
  });

  it("should let the user through directories open to others, and stop at the first missing one", () => {
    const open = join(root, "open");
    mkdirSync(open);
    chmodSync(open, 0o755);
    expect(blockedAncestor(join(open, "not", "made", "yet"), stranger)).toBeNull();
  });

  it("should count the owner's and the group's permissions for the owner and group members", () => {
    const mine = join(root, "mine");
    mkdirSync(mine);
    chmodSync(mine, 0o710);
    const owner = { uid: process.getuid!(), gid: 54_321 };
    const member = { uid: 54_321, gid: process.getgid!() };
    expect(blockedAncestor(join(mine, "pg"), owner)).toBeNull();
    expect(blockedAncestor(join(mine, "pg"), member)).toBeNull();
    expect(blockedAncestor(join(mine, "pg"), stranger)).toEqual({ dir: mine, mode: "710" });
  });
});

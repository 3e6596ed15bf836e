import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_VARIABLES } from "../../src/config/config";

describe("README", () => {
  const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");

  it("should document every configuration variable", () => {
    const missing = Object.values(CONFIG_VARIABLES)
      .map((v) => v.name)
      .filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it("should give exactly the two quick-start commands", () => {
    expect(readme).toContain("npm install && npm start");
    expect(readme).toContain("npm test");
  });
});

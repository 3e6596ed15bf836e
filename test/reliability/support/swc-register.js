// Lets a plain `node` child process run the TypeScript sources (with decorator metadata), like jest does.
const { readFileSync } = require("node:fs");
const { transformSync } = require("@swc/core");

const options = {
  jsc: {
    parser: { syntax: "typescript", decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
    target: "es2022",
  },
  module: { type: "commonjs" },
  sourceMaps: "inline",
};

require.extensions[".ts"] = function compile(module, filename) {
  const { code } = transformSync(readFileSync(filename, "utf8"), { ...options, filename });
  module._compile(code, filename);
};

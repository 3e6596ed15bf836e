#!/usr/bin/env node
// The `kindred` command: runs the compiled CLI (build with `npm run build`).
const { main } = require("../dist/src/main.js");
main(process.argv.slice(2)).then((code) => process.exit(code));

// Adds lockfile entries for platform-specific optional packages the registry mirror lacks,
// so `npm ci` sees the lock in sync (npm skips them on this platform without fetching).
const fs = require("fs");
const path = process.argv[2] || "package-lock.json";
const lock = JSON.parse(fs.readFileSync(path, "utf8"));
const pkgs = lock.packages;
const OS = ["darwin", "win32", "linux", "android", "freebsd", "openharmony", "sunos", "aix", "netbsd", "openbsd", "wasm32"];
const CPU = ["arm64", "x64", "ia32", "arm", "ppc64", "s390x", "riscv64", "loong64", "mips64el", "wasm32"];
let added = 0;
for (const [key, meta] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies || {})) {
    const base = key ? `${key}/node_modules/${dep}` : `node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (pkgs[base] || pkgs[hoisted]) continue;
    const parts = dep.split("/").pop().split("-");
    const os = OS.find((o) => parts.includes(o));
    const cpu = CPU.find((c) => parts.includes(c)) || (parts.includes("universal") ? "arm64" : undefined);
    if (!os) { console.error("cannot infer platform of", dep); continue; }
    const entry = { version, optional: true, os: [os === "wasm32" ? "!linux" : os] };
    if (cpu) entry.cpu = [cpu];
    if (parts.includes("musl") || parts.includes("musleabihf")) entry.libc = ["musl"];
    pkgs[hoisted] = entry;
    added++;
  }
}
fs.writeFileSync(path, JSON.stringify(lock, null, 2) + "\n");
console.log(`added ${added} entries`);

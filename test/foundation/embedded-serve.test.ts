import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isProcessRunning } from "../../src/db/embedded-postgres";

const ROOT = join(__dirname, "..", "..");
const REGISTER = join(ROOT, "test", "reliability", "support", "swc-register.js");

/** `kindred serve` as `npm start` runs it on a fresh machine: no DATABASE_URL, its own process group (a terminal job). */
interface Serve {
  child: ChildProcessWithoutNullStreams;
  baseUrl: string;
  exited: Promise<number | null>;
  output: () => string;
}

function spawnServe(dataDir: string): Omit<Serve, "baseUrl"> {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "", DATABASE_URL: "", KINDRED_DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "info" };
  const child = spawn(process.execPath, ["-r", REGISTER, "-e", `require("./src/main.ts").main(["serve"]).then((code) => process.exit(code))`], { cwd: ROOT, env, detached: true, stdio: "pipe" });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))));
  return { child, exited, output: () => output };
}

async function startServe(dataDir: string): Promise<Serve> {
  const { child, exited, output: text } = spawnServe(dataDir);
  let output = text();
  const started = Date.now();
  while (!/listening at (http:\/\/\S+)\/graphql/.test(output)) {
    if (child.exitCode !== null || Date.now() - started > 90_000) throw new Error(`serve did not start: ${output.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
    output = text();
  }
  const baseUrl = /listening at (http:\/\/\S+)\/graphql/.exec(output)![1];
  return { child, baseUrl, exited, output: text };
}

/** The postmaster's pid from the data directory's lock file. */
function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const start = Date.now(); Date.now() - start < timeoutMs; ) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe("kindred serve on the embedded PostgreSQL", () => {
  jest.setTimeout(180_000);
  let dataDir: string;
  const running: Serve[] = [];

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "kindred-serve-"));
    chmodSync(dataDir, 0o755); // PostgreSQL runs as the postgres user when the tests run as root
  });
  afterAll(async () => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill("SIGKILL");
    if (existsSync(join(dataDir, "postgres", "postmaster.pid"))) {
      const pid = postmasterPid(dataDir);
      if (isProcessRunning(pid)) process.kill(pid, "SIGINT");
      await until(() => !isProcessRunning(pid), 30_000);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("should drain, stop its PostgreSQL and exit 0 on Ctrl-C (SIGINT to the whole process group)", async () => {
    const serve = await startServe(dataDir);
    running.push(serve);
    const pid = postmasterPid(dataDir);
    expect((await fetch(`${serve.baseUrl}/healthz`)).status).toBe(200);
    process.kill(-serve.child.pid!, "SIGINT");
    expect({ code: await serve.exited, tail: serve.output().slice(-1500) }).toEqual({ code: 0, tail: expect.stringContaining('"msg":"stopped"') });
    expect(await until(() => !isProcessRunning(pid), 10_000)).toBe(true);
  });

  it("should take its data directory over from a PostgreSQL a killed server left running", async () => {
    const killed = await startServe(dataDir);
    running.push(killed);
    const leftover = postmasterPid(dataDir);
    killed.child.kill("SIGKILL");
    await killed.exited;
    expect(isProcessRunning(leftover)).toBe(true); // its own process group kept it alive
    const serve = await startServe(dataDir);
    running.push(serve);
    expect(isProcessRunning(leftover)).toBe(false);
    expect((await fetch(`${serve.baseUrl}/healthz`)).status).toBe(200);
    process.kill(-serve.child.pid!, "SIGINT");
    expect(await serve.exited).toBe(0);
  });

  // Only root hands PostgreSQL to another user (CI runs as root).
  (process.getuid?.() === 0 ? it : it.skip)("should stop with a configuration error naming the directory the postgres user cannot enter (started by root)", async () => {
    const home = mkdtempSync(join(tmpdir(), "kindred-home-")); // 0700, as root's own home
    try {
      const serve = spawnServe(join(home, "project", ".data"));
      expect(await serve.exited).toBe(2);
      expect(serve.output()).toContain(`cannot enter ${home} (mode 700)`);
      expect(existsSync(join(home, "project", ".data", "postgres", "PG_VERSION"))).toBe(false);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

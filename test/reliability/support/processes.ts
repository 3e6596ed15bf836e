import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { testEnv } from "../../support/test-app";

const ROOT = join(__dirname, "..", "..", "..");

/** Waits until a child prints a line matching `pattern`; rejects if it exits first or times out. */
function waitForLine(child: ChildProcessWithoutNullStreams, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    let stderr = "";
    const timer = setTimeout(() => finish(new Error(`timed out waiting for ${pattern}; stderr: ${stderr.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = buffer.match(pattern);
      if (match) finish(null, match);
    };
    const onErr = (chunk: Buffer) => (stderr += chunk.toString());
    const onExit = (code: number | null) => finish(new Error(`process exited (${code}) before ${pattern}; stderr: ${stderr.slice(-2000)}`));
    function finish(error: Error | null, match?: RegExpMatchArray) {
      clearTimeout(timer);
      child.stdout.off("data", onData);
      child.stderr.off("data", onErr);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve(match!);
    }
    child.stdout.on("data", onData);
    child.stderr.on("data", onErr);
    child.once("exit", onExit);
  });
}

/** A Kindred server in a child process. */
export interface ServerProcess {
  port: number;
  url: string;
  baseUrl: string;
  child: ChildProcessWithoutNullStreams;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** How the process stands and the last lines it printed, for a test's failure message. */
  describe(): string;
}

export async function startServerProcess(env: Record<string, string> = {}, port = 0): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["-r", join(__dirname, "swc-register.js"), join(__dirname, "server-process.ts")], {
    cwd: ROOT,
    env: { ...process.env, ...testEnv({ PORT: String(port), ...env }) },
    stdio: "pipe",
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))));
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const [, actual] = await waitForLine(child, /READY (\d+)/, 60_000);
  const baseUrl = `http://127.0.0.1:${actual}`;
  return {
    port: Number(actual),
    url: `${baseUrl}/graphql`,
    baseUrl,
    child,
    exited,
    kill: async (signal = "SIGKILL") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    describe: () => {
      const state = child.exitCode !== null || child.signalCode !== null ? `exited (code ${child.exitCode}, signal ${child.signalCode})` : "running";
      return `server ${state}; last output: ${output.slice(-3000) || "(none)"}`;
    },
  };
}

/** An embedded PostgreSQL in a child process, restartable on the same port. */
export interface PostgresProcess {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  exit(): Promise<void>;
}

export async function startPostgresProcess(dataDir: string, port: number): Promise<PostgresProcess> {
  const child = spawn(process.execPath, [join(__dirname, "pg-process.js"), dataDir, String(port)], { cwd: ROOT, stdio: "pipe" });
  await waitForLine(child, /STARTED/, 60_000);
  const command = async (line: string, expect: RegExp) => {
    const done = waitForLine(child, expect, 60_000);
    child.stdin.write(`${line}\n`);
    await done;
  };
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/kindred`,
    stop: () => command("stop", /STOPPED/),
    start: () => command("start", /STARTED/),
    exit: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.stdin.write("exit\n");
      await exited;
    },
  };
}

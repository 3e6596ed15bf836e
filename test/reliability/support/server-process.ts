// A Kindred server as its own OS process (so tests can SIGKILL it): prints "READY <port>".
import "reflect-metadata";
import { createLogger } from "../../../src/common/logger";
import { loadConfig } from "../../../src/config/config";
import { startApp } from "../../../src/server/app";

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await startApp({ config, logger: createLogger(config.logLevel), bootstrap: false });
  process.stdout.write(`READY ${app.port}\n`);
  process.on("SIGTERM", () => void app.stop().then(() => process.exit(0)));
}

main().catch((error) => {
  process.stderr.write(`server failed to start: ${String(error?.stack ?? error)}\n`);
  process.exit(1);
});

import type { CliCommand } from "../cli/commands";
import { createRuntime } from "../server/kernel-factory";
import { rotateColumns } from "./crypto/key-rotation";
import { PRIVACY_CRYPTO } from "./privacy.module";

/** `kindred rotate-keys`: re-encrypts personal data under the newest key now (the daily job does the same). */
export const rotateKeysCommand: CliCommand = {
  name: "rotate-keys",
  usage: "kindred rotate-keys",
  summary: "re-encrypt personal data under the first key of KINDRED_ENCRYPTION_KEYS (then older keys may be dropped)",
  async run(_args, { config, logger }) {
    const runtime = await createRuntime(config, logger, { work: false, startJobs: false });
    try {
      const crypto = runtime.registry.get(PRIVACY_CRYPTO);
      const report = await rotateColumns(runtime.kernel.dataSource, crypto.cipher, crypto.encryptedColumns(), {
        progress: async (_share, message) => void process.stdout.write(`${message}\n`),
      });
      process.stdout.write(`current key ${crypto.cipher.currentKeyId}: ${report.rotated} values re-encrypted, ${report.failed} could not be decrypted\n`);
      return report.failed ? 1 : 0;
    } finally {
      await runtime.close();
    }
  },
};

import type { KindredModule } from "../common/kernel";
import { ServiceKey } from "../common/kernel";
import { AuditEntry } from "./audit-entry.entity";
import { AuditResolver } from "./audit.resolver";
import { AuditWriter } from "./audit-writer";

/** Appends audit entries (group commit); the server's audit plugin writes through it. */
export const AUDIT_LOG = new ServiceKey<AuditWriter>("auditLog");

/** The audit trail: an append-only log of mutations and reads of personal data, `auditLog` for admins. */
export const auditModule: KindredModule = {
  name: "audit",
  entities: [AuditEntry],
  create(kernel, modules) {
    const writer = new AuditWriter(kernel.dataSource);
    modules.provide(AUDIT_LOG, writer);
    return { resolvers: [new AuditResolver()], stop: () => writer.flush() };
  },
};

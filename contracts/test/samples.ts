import { randomUUID } from "node:crypto";
import { createEvent, createFieldCipher, type EventMap, type EventPayload, type Topic } from "../src/index.js";

export const cipher = createFieldCipher([{ id: "test", key: Buffer.alloc(32, 7) }]);
export const SECRET_TOKEN = "verification-token-that-must-never-leak";

const inAnHour = () => new Date(Date.now() + 3_600_000);

/** One valid payload per topic, typed by the generated event types. */
export function samplePayloads(customerId: string): { [T in Topic]: EventPayload<T> } {
  const fileId = randomUUID();
  const shareId = randomUUID();
  const seal = (topic: Topic) => cipher.encrypt(SECRET_TOKEN, `${topic}:${customerId}`);
  return {
    "customer.registered.v1": { customerId, email: "ada@example.com", displayName: "Ada", locale: "en" },
    "customer.email-verification-requested.v1": {
      customerId,
      email: "ada@example.com",
      displayName: "Ada",
      token: seal("customer.email-verification-requested.v1"),
      expiresAt: inAnHour(),
    },
    "customer.email-verified.v1": { customerId, email: "ada@example.com" },
    "customer.password-reset-requested.v1": {
      customerId,
      email: "ada@example.com",
      token: seal("customer.password-reset-requested.v1"),
      expiresAt: inAnHour(),
    },
    "customer.password-changed.v1": { customerId, email: "ada@example.com" },
    "customer.profile-updated.v1": { customerId, email: "ada@example.com", displayName: "Ada L.", locale: "fr-CA" },
    "customer.deleted.v1": { customerId },
    "customer.disabled.v1": { customerId },
    "customer.enabled.v1": { customerId },
    "customer.roles-changed.v1": { customerId, roles: ["user", "admin"] },
    "session.revoked.v1": { customerId, sessionId: randomUUID(), reason: "logout" },
    "file.uploaded.v1": {
      customerId,
      fileId,
      folderId: randomUUID(),
      name: "Reçu été 2026.pdf",
      size: 5 * 1024 ** 3,
      contentType: "application/pdf",
      sha256: "a".repeat(64),
      version: 3,
    },
    "file.trashed.v1": { customerId, fileId, name: "report.pdf", size: 1024 },
    "file.restored.v1": { customerId, fileId, name: "report.pdf", size: 1024 },
    "file.purged.v1": { customerId, fileId, name: "report.pdf", size: 1024 },
    "share.created.v1": {
      customerId,
      shareId,
      fileId,
      fileName: "report.pdf",
      expiresAt: null,
      passwordProtected: true,
      recipients: ["bob@example.com"],
      token: seal("share.created.v1"),
    },
    "share.accessed.v1": { customerId, shareId, fileId, fileName: "report.pdf", accessedAt: new Date() },
    "quota.threshold-reached.v1": { customerId, usedBytes: 850, quotaBytes: 1000, threshold: 80 },
    "ops.audit.v1": {
      operator: "ada",
      host: "ops-1",
      actionId: randomUUID(),
      command: "replay reset",
      arguments: ["replay", "reset", "--group", "g", "--topic", "t", "--to", "earliest", "--execute"],
      phase: "started",
      plan: "{}",
      result: null,
    },
  };
}

export function sampleEvent<T extends Topic>(topic: T, customerId: string, correlationId: string): EventMap[T] {
  return createEvent(topic, samplePayloads(customerId)[topic], { correlationId, producer: "contracts-test" });
}

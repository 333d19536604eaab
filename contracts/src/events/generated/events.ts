// Generated from contracts/schemas/*.avsc by `npm run generate -w @coffer/contracts`. Do not edit.
import type { EncryptedString } from "../field-encryption.js";

/** A customer deleted their account; every service erases their data (topic `customer.deleted.v1`). */
export interface CustomerDeletedV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
}

/** An admin disabled the customer's account: their routes, sessions and public links are refused until it is enabled (topic `customer.disabled.v1`). */
export interface CustomerDisabledV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
}

/** A customer must prove they own an address (topic `customer.email-verification-requested.v1`). */
export interface CustomerEmailVerificationRequestedV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
  email: string;
  displayName: string;
  /** Single-use verification token, AES-256-GCM encrypted for notification-service */
  token: EncryptedString;
  expiresAt: Date;
}

/** A customer proved they own their address (topic `customer.email-verified.v1`). */
export interface CustomerEmailVerifiedV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
  email: string;
}

/** An admin enabled a disabled account again (topic `customer.enabled.v1`). */
export interface CustomerEnabledV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
}

/** A customer's password changed (by them or through a reset) (topic `customer.password-changed.v1`). */
export interface CustomerPasswordChangedV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
  email: string;
}

/** A customer asked to reset a forgotten password (topic `customer.password-reset-requested.v1`). */
export interface CustomerPasswordResetRequestedV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
  email: string;
  /** Single-use reset token, AES-256-GCM encrypted for notification-service */
  token: EncryptedString;
  expiresAt: Date;
}

/** A customer changed their profile (topic `customer.profile-updated.v1`). */
export interface CustomerProfileUpdatedV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
  email: string;
  displayName: string;
  locale: string;
}

/** A customer created an account (topic `customer.registered.v1`). */
export interface CustomerRegisteredV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
  email: string;
  displayName: string;
  /** BCP 47 language tag, e.g. en or fr-CA */
  locale: string;
}

/** The customer's roles changed (admin granted or revoked); tokens issued before keep no role the customer lost (topic `customer.roles-changed.v1`). */
export interface CustomerRolesChangedV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
  /** Every role the customer has now */
  roles: string[];
}

/** A file and all its versions were deleted for good (topic `file.purged.v1`). */
export interface FilePurgedV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
  fileId: string;
  name: string;
  size: number;
}

/** A file was restored from the trash (topic `file.restored.v1`). */
export interface FileRestoredV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
  fileId: string;
  name: string;
  size: number;
}

/** A file was moved to the trash (topic `file.trashed.v1`). */
export interface FileTrashedV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
  fileId: string;
  name: string;
  size: number;
}

/** A file or a new version of it was stored (topic `file.uploaded.v1`). */
export interface FileUploadedV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
  fileId: string;
  folderId: string;
  name: string;
  size: number;
  contentType: string;
  /** Hex SHA-256 of the content */
  sha256: string;
  version: number;
}

/** An operator's action on the platform's topics, recorded by coffer-ops before and after it acts (topic `ops.audit.v1`). */
export interface OpsAuditV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Who acted: the OS user or --operator; also the Kafka key */
  operator: string;
  /** The machine the command ran on */
  host: string;
  /** One action's id (a replay's x-replay-id): its started and completed records share it */
  actionId: string;
  /** The command, e.g. replay reset */
  command: string;
  /** The command line after the program name */
  arguments: string[];
  /** started, resumed, completed or failed */
  phase: string;
  /** The plan as coffer-ops prints it with --json */
  plan: string;
  /** JSON of what was done (completed) or the error (failed); null when started */
  result: null | string;
}

/** A customer's usage crossed 80% or 100% of their quota (topic `quota.threshold-reached.v1`). */
export interface QuotaThresholdReachedV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
  usedBytes: number;
  quotaBytes: number;
  /** 80 or 100 */
  threshold: number;
}

/** A session ended before its time; its access tokens are refused from now on (topic `session.revoked.v1`). */
export interface SessionRevokedV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
  /** The `sid` claim of the session's access tokens */
  sessionId: string;
  /** logout, revoked, refresh-token-reused, password-changed, password-reset, disabled or deleted */
  reason: string;
}

/** Someone downloaded a file through a share link (topic `share.accessed.v1`). */
export interface ShareAccessedV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
  shareId: string;
  fileId: string;
  fileName: string;
  accessedAt: Date;
}

/** A customer created a share link for a file (topic `share.created.v1`). */
export interface ShareCreatedV1 {
  /** Unique id of this event; consumers deduplicate on it */
  eventId: string;
  /** When the state change was committed */
  occurredAt: Date;
  /** The id of the request that caused the event */
  correlationId: string;
  /** The service that produced the event */
  producer: string;
  /** Owner of the event; also the Kafka key */
  customerId: string;
  shareId: string;
  fileId: string;
  fileName: string;
  expiresAt: null | Date;
  passwordProtected: boolean;
  /** Addresses to e-mail the link to */
  recipients: string[];
  /** The link's secret, AES-256-GCM encrypted for notification-service, which mails it to the recipients */
  token: EncryptedString | null;
}

/** Every topic of the catalogue, by event. */
export const TOPICS = {
  customerDeleted: "customer.deleted.v1",
  customerDisabled: "customer.disabled.v1",
  customerEmailVerificationRequested: "customer.email-verification-requested.v1",
  customerEmailVerified: "customer.email-verified.v1",
  customerEnabled: "customer.enabled.v1",
  customerPasswordChanged: "customer.password-changed.v1",
  customerPasswordResetRequested: "customer.password-reset-requested.v1",
  customerProfileUpdated: "customer.profile-updated.v1",
  customerRegistered: "customer.registered.v1",
  customerRolesChanged: "customer.roles-changed.v1",
  filePurged: "file.purged.v1",
  fileRestored: "file.restored.v1",
  fileTrashed: "file.trashed.v1",
  fileUploaded: "file.uploaded.v1",
  opsAudit: "ops.audit.v1",
  quotaThresholdReached: "quota.threshold-reached.v1",
  sessionRevoked: "session.revoked.v1",
  shareAccessed: "share.accessed.v1",
  shareCreated: "share.created.v1",
} as const;

/** The event type carried by each topic. */
export interface EventMap {
  "customer.deleted.v1": CustomerDeletedV1;
  "customer.disabled.v1": CustomerDisabledV1;
  "customer.email-verification-requested.v1": CustomerEmailVerificationRequestedV1;
  "customer.email-verified.v1": CustomerEmailVerifiedV1;
  "customer.enabled.v1": CustomerEnabledV1;
  "customer.password-changed.v1": CustomerPasswordChangedV1;
  "customer.password-reset-requested.v1": CustomerPasswordResetRequestedV1;
  "customer.profile-updated.v1": CustomerProfileUpdatedV1;
  "customer.registered.v1": CustomerRegisteredV1;
  "customer.roles-changed.v1": CustomerRolesChangedV1;
  "file.purged.v1": FilePurgedV1;
  "file.restored.v1": FileRestoredV1;
  "file.trashed.v1": FileTrashedV1;
  "file.uploaded.v1": FileUploadedV1;
  "ops.audit.v1": OpsAuditV1;
  "quota.threshold-reached.v1": QuotaThresholdReachedV1;
  "session.revoked.v1": SessionRevokedV1;
  "share.accessed.v1": ShareAccessedV1;
  "share.created.v1": ShareCreatedV1;
}

export type Topic = keyof EventMap;

export const ENVELOPE_FIELDS = ["eventId","occurredAt","correlationId","producer"] as const;

/** The Avro schema of each topic, as in schemas/<topic>.avsc. */
export const SCHEMAS: Record<Topic, object> = {
  "customer.deleted.v1": {"type":"record","name":"CustomerDeleted","namespace":"dev.coffer.events","doc":"A customer deleted their account; every service erases their data","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"}]},
  "customer.disabled.v1": {"type":"record","name":"CustomerDisabled","namespace":"dev.coffer.events","doc":"An admin disabled the customer's account: their routes, sessions and public links are refused until it is enabled","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"}]},
  "customer.email-verification-requested.v1": {"type":"record","name":"CustomerEmailVerificationRequested","namespace":"dev.coffer.events","doc":"A customer must prove they own an address","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"},{"name":"email","type":"string"},{"name":"displayName","type":"string"},{"name":"token","type":"string","coffer.encrypted":true,"doc":"Single-use verification token, AES-256-GCM encrypted for notification-service"},{"name":"expiresAt","type":{"type":"long","logicalType":"timestamp-millis"}}]},
  "customer.email-verified.v1": {"type":"record","name":"CustomerEmailVerified","namespace":"dev.coffer.events","doc":"A customer proved they own their address","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"},{"name":"email","type":"string"}]},
  "customer.enabled.v1": {"type":"record","name":"CustomerEnabled","namespace":"dev.coffer.events","doc":"An admin enabled a disabled account again","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"}]},
  "customer.password-changed.v1": {"type":"record","name":"CustomerPasswordChanged","namespace":"dev.coffer.events","doc":"A customer's password changed (by them or through a reset)","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"},{"name":"email","type":"string"}]},
  "customer.password-reset-requested.v1": {"type":"record","name":"CustomerPasswordResetRequested","namespace":"dev.coffer.events","doc":"A customer asked to reset a forgotten password","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"},{"name":"email","type":"string"},{"name":"token","type":"string","coffer.encrypted":true,"doc":"Single-use reset token, AES-256-GCM encrypted for notification-service"},{"name":"expiresAt","type":{"type":"long","logicalType":"timestamp-millis"}}]},
  "customer.profile-updated.v1": {"type":"record","name":"CustomerProfileUpdated","namespace":"dev.coffer.events","doc":"A customer changed their profile","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"},{"name":"email","type":"string"},{"name":"displayName","type":"string"},{"name":"locale","type":"string"}]},
  "customer.registered.v1": {"type":"record","name":"CustomerRegistered","namespace":"dev.coffer.events","doc":"A customer created an account","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"},{"name":"email","type":"string"},{"name":"displayName","type":"string"},{"name":"locale","type":"string","doc":"BCP 47 language tag, e.g. en or fr-CA"}]},
  "customer.roles-changed.v1": {"type":"record","name":"CustomerRolesChanged","namespace":"dev.coffer.events","doc":"The customer's roles changed (admin granted or revoked); tokens issued before keep no role the customer lost","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"},{"name":"roles","type":{"type":"array","items":"string"},"doc":"Every role the customer has now"}]},
  "file.purged.v1": {"type":"record","name":"FilePurged","namespace":"dev.coffer.events","doc":"A file and all its versions were deleted for good","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"},{"name":"fileId","type":"string"},{"name":"name","type":"string"},{"name":"size","type":"long"}]},
  "file.restored.v1": {"type":"record","name":"FileRestored","namespace":"dev.coffer.events","doc":"A file was restored from the trash","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"},{"name":"fileId","type":"string"},{"name":"name","type":"string"},{"name":"size","type":"long"}]},
  "file.trashed.v1": {"type":"record","name":"FileTrashed","namespace":"dev.coffer.events","doc":"A file was moved to the trash","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"},{"name":"fileId","type":"string"},{"name":"name","type":"string"},{"name":"size","type":"long"}]},
  "file.uploaded.v1": {"type":"record","name":"FileUploaded","namespace":"dev.coffer.events","doc":"A file or a new version of it was stored","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"},{"name":"fileId","type":"string"},{"name":"folderId","type":"string"},{"name":"name","type":"string"},{"name":"size","type":"long"},{"name":"contentType","type":"string"},{"name":"sha256","type":"string","doc":"Hex SHA-256 of the content"},{"name":"version","type":"int"}]},
  "ops.audit.v1": {"type":"record","name":"OpsAudit","namespace":"dev.coffer.events","doc":"An operator's action on the platform's topics, recorded by coffer-ops before and after it acts","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"operator","type":"string","doc":"Who acted: the OS user or --operator; also the Kafka key"},{"name":"host","type":"string","doc":"The machine the command ran on"},{"name":"actionId","type":"string","doc":"One action's id (a replay's x-replay-id): its started and completed records share it"},{"name":"command","type":"string","doc":"The command, e.g. replay reset"},{"name":"arguments","type":{"type":"array","items":"string"},"doc":"The command line after the program name"},{"name":"phase","type":"string","doc":"started, resumed, completed or failed"},{"name":"plan","type":"string","doc":"The plan as coffer-ops prints it with --json"},{"name":"result","type":["null","string"],"default":null,"doc":"JSON of what was done (completed) or the error (failed); null when started"}]},
  "quota.threshold-reached.v1": {"type":"record","name":"QuotaThresholdReached","namespace":"dev.coffer.events","doc":"A customer's usage crossed 80% or 100% of their quota","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"},{"name":"usedBytes","type":"long"},{"name":"quotaBytes","type":"long"},{"name":"threshold","type":"int","doc":"80 or 100"}]},
  "session.revoked.v1": {"type":"record","name":"SessionRevoked","namespace":"dev.coffer.events","doc":"A session ended before its time; its access tokens are refused from now on","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"},{"name":"sessionId","type":"string","doc":"The `sid` claim of the session's access tokens"},{"name":"reason","type":"string","doc":"logout, revoked, refresh-token-reused, password-changed, password-reset, disabled or deleted"}]},
  "share.accessed.v1": {"type":"record","name":"ShareAccessed","namespace":"dev.coffer.events","doc":"Someone downloaded a file through a share link","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"},{"name":"shareId","type":"string"},{"name":"fileId","type":"string"},{"name":"fileName","type":"string"},{"name":"accessedAt","type":{"type":"long","logicalType":"timestamp-millis"}}]},
  "share.created.v1": {"type":"record","name":"ShareCreated","namespace":"dev.coffer.events","doc":"A customer created a share link for a file","fields":[{"name":"eventId","type":{"type":"string","logicalType":"uuid"},"doc":"Unique id of this event; consumers deduplicate on it"},{"name":"occurredAt","type":{"type":"long","logicalType":"timestamp-millis"},"doc":"When the state change was committed"},{"name":"correlationId","type":"string","doc":"The id of the request that caused the event"},{"name":"producer","type":"string","doc":"The service that produced the event"},{"name":"customerId","type":"string","doc":"Owner of the event; also the Kafka key"},{"name":"shareId","type":"string"},{"name":"fileId","type":"string"},{"name":"fileName","type":"string"},{"name":"expiresAt","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null},{"name":"passwordProtected","type":"boolean"},{"name":"recipients","type":{"type":"array","items":"string"},"default":[],"doc":"Addresses to e-mail the link to"},{"name":"token","type":["null","string"],"default":null,"coffer.encrypted":true,"doc":"The link's secret, AES-256-GCM encrypted for notification-service, which mails it to the recipients"}]},
};

/** Fields encrypted for their consumer, per topic. */
export const ENCRYPTED_FIELDS: Record<Topic, readonly string[]> = {
  "customer.deleted.v1": [],
  "customer.disabled.v1": [],
  "customer.email-verification-requested.v1": ["token"],
  "customer.email-verified.v1": [],
  "customer.enabled.v1": [],
  "customer.password-changed.v1": [],
  "customer.password-reset-requested.v1": ["token"],
  "customer.profile-updated.v1": [],
  "customer.registered.v1": [],
  "customer.roles-changed.v1": [],
  "file.purged.v1": [],
  "file.restored.v1": [],
  "file.trashed.v1": [],
  "file.uploaded.v1": [],
  "ops.audit.v1": [],
  "quota.threshold-reached.v1": [],
  "session.revoked.v1": [],
  "share.accessed.v1": [],
  "share.created.v1": ["token"],
};

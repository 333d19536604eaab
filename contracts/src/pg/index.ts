export { createPgCheck, createPool } from "./pool.js";
export { SchemaBehindError, assertMigrated, migrate, runMigrations } from "./migrate.js";
export { inTransaction } from "./transaction.js";
export { PG_JOB_LEASE_TABLES_SQL, runExclusive } from "./job-leases.js";
export { isPostgresUnavailable } from "./pg-errors.js";
export {
  ACCESS_REVOKED_CHANNEL,
  applyAccessFacts,
  createAccessProjectionHandlers,
  createPgAccessCheck,
  isTombstoned,
  purgeRevokedSessions,
  recordRevokedSession,
  tombstoneCustomer,
  type AccessRevoked,
} from "./access-projection.js";

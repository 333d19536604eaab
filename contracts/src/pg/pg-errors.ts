const CONNECTION_ERRORS = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"]);
// PostgreSQL's SQLSTATE classes 08 (connection exception) and 57P (operator intervention:
// admin_shutdown, crash_shutdown, cannot_connect_now)
const UNAVAILABLE_STATE = /^(08|57P0[1-3])/;

/**
 * PostgreSQL cannot be reached, is restarting or dropped the connection: the request may succeed
 * once it is back, so it answers 503, not 500 (registerHttpConventions' `isDependencyDown`).
 */
export function isPostgresUnavailable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === "string" && (CONNECTION_ERRORS.has(code) || UNAVAILABLE_STATE.test(code))) return true;
  // node-postgres' own words for a connection that ended or could not be made in time
  return (
    typeof message === "string" &&
    /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(
      message,
    )
  );
}

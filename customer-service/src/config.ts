import { parseServiceEnv, serviceEnv, serviceSettings } from "@coffer/contracts/config";
import Type from "typebox";

export { ConfigError } from "@coffer/contracts/config";

const EnvSchema = Type.Object({
  ...serviceEnv({ port: 3001 }),
  MONGO_URL: Type.String({ pattern: "^mongodb(\\+srv)?://" }),
  // Where the routes' rate limits are counted, shared by every instance.
  REDIS_URL: Type.String({ pattern: "^rediss?://" }),
  JWT_KEYS_DIR: Type.String({ minLength: 1 }),
  JWT_GENERATE_KEY: Type.Boolean({ default: false }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 3600, default: 900 }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 3600, default: 30 * 24 * 3600 }),
  ADMIN_EMAILS: Type.String({ default: "" }),
  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, default: 5 }),
  LOGIN_MAX_FAILURES_PER_CLIENT: Type.Integer({ minimum: 1, default: 50 }),
  LOGIN_LOCK_FIRST_SECONDS: Type.Integer({ minimum: 1, default: 1 }),
  LOGIN_LOCK_MAX_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
  ACCOUNT_MAIL_INTERVAL_SECONDS: Type.Integer({ minimum: 0, default: 60 }),
  ACCOUNT_MAILS_PER_DAY: Type.Integer({ minimum: 1, default: 5 }),
  UNVERIFIED_ACCOUNT_TTL_HOURS: Type.Integer({ minimum: 24, default: 72 }),
});

export type Config = ReturnType<typeof loadConfig>;

/** Reads the service's configuration once; throws a ConfigError naming every missing or malformed key. */
export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const e = parseServiceEnv(EnvSchema, env);
  const adminEmails: ReadonlySet<string> = new Set(
    e.ADMIN_EMAILS.split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  return Object.freeze({
    ...serviceSettings(e),
    mongoUrl: e.MONGO_URL,
    redisUrl: e.REDIS_URL,
    jwt: Object.freeze({
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      keysDir: e.JWT_KEYS_DIR,
      generateKey: e.JWT_GENERATE_KEY,
      accessTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    }),
    refreshTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    adminEmails,
    loginThrottle: Object.freeze({
      maxFailures: e.LOGIN_MAX_FAILURES,
      maxFailuresPerClient: e.LOGIN_MAX_FAILURES_PER_CLIENT,
      firstLockSeconds: e.LOGIN_LOCK_FIRST_SECONDS,
      maxLockSeconds: e.LOGIN_LOCK_MAX_SECONDS,
    }),
    /** Verification and reset mails an address can be sent on request (see mail-allowance.ts). */
    accountMails: Object.freeze({ intervalSeconds: e.ACCOUNT_MAIL_INTERVAL_SECONDS, perDay: e.ACCOUNT_MAILS_PER_DAY }),
    unverifiedAccountTtlHours: e.UNVERIFIED_ACCOUNT_TTL_HOURS,
  });
}

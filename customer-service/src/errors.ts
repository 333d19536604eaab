import { AppError, HTTP_ERRORS, createErrorResponses } from "@coffer/contracts/http";

export { AppError };

/** Every code customer-service answers with, and its status: codes are part of the API. */
export const ERROR_CODES = {
  ...HTTP_ERRORS,
  INVALID_CURSOR: 400,
  INVALID_TOKEN: 400,
  INVALID_CREDENTIALS: 401,
  INVALID_REFRESH_TOKEN: 401,
  REFRESH_TOKEN_REUSED: 401,
  EMAIL_NOT_VERIFIED: 403,
  ACCOUNT_DISABLED: 403,
  INVALID_PASSWORD: 403,
  SESSION_NOT_FOUND: 404,
  CUSTOMER_NOT_FOUND: 404,
  TOO_MANY_ATTEMPTS: 429,
  RATE_LIMITED: 429,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

const appError = (code: ErrorCode, message: string, options: { retryAfterSeconds?: number } = {}) =>
  new AppError(code, message, { statusCode: ERROR_CODES[code], ...options });

const NOT_FOUND = { Session: "SESSION_NOT_FOUND", Customer: "CUSTOMER_NOT_FOUND" } as const;

export const Errors = {
  invalidCredentials: () => appError("INVALID_CREDENTIALS", "Email or password is incorrect"),
  emailNotVerified: () => appError("EMAIL_NOT_VERIFIED", "Verify your email address before logging in"),
  accountDisabled: () => appError("ACCOUNT_DISABLED", "This account is disabled"),
  tooManyAttempts: (retryAfterSeconds: number) =>
    appError("TOO_MANY_ATTEMPTS", `Too many failed attempts; try again in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    }),
  rateLimited: (retryAfterSeconds: number) =>
    appError("RATE_LIMITED", `Too many requests; try again in ${retryAfterSeconds} s`),
  invalidCursor: () => appError("INVALID_CURSOR", "The cursor is malformed"),
  invalidToken: () => appError("INVALID_TOKEN", "The link is invalid, used or expired"),
  unauthorized: (message = "Authentication required") => appError("UNAUTHORIZED", message),
  invalidRefreshToken: (message = "The refresh token is invalid or expired") =>
    appError("INVALID_REFRESH_TOKEN", message),
  refreshTokenReused: () =>
    appError("REFRESH_TOKEN_REUSED", "This refresh token was already used; the session is revoked"),
  wrongPassword: (message = "The current password is incorrect") => appError("INVALID_PASSWORD", message),
  notFound: (what: keyof typeof NOT_FOUND) => appError(NOT_FOUND[what], `${what} not found`),
};

/** The `{ code, message }` answers of a route, by status: `errorResponses("VALIDATION_FAILED", "INVALID_TOKEN")`. */
export const errorResponses = createErrorResponses(ERROR_CODES);

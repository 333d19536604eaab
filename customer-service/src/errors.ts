import { AppError } from "@coffer/contracts";

export { AppError };

/** The errors customer-service answers with; codes are part of the API. */
export const Errors = {
  emailTaken: () => new AppError("EMAIL_TAKEN", "An account with this email already exists", { statusCode: 409 }),
  invalidCredentials: () => new AppError("INVALID_CREDENTIALS", "Email or password is incorrect", { statusCode: 401 }),
  emailNotVerified: () =>
    new AppError("EMAIL_NOT_VERIFIED", "Verify your email address before logging in", { statusCode: 403 }),
  accountDisabled: () => new AppError("ACCOUNT_DISABLED", "This account is disabled", { statusCode: 403 }),
  tooManyAttempts: (retryAfterSeconds: number) =>
    Object.assign(
      new AppError("TOO_MANY_ATTEMPTS", `Too many failed attempts; try again in ${retryAfterSeconds} s`, {
        statusCode: 429,
      }),
      { retryAfterSeconds },
    ),
  invalidCursor: () => new AppError("INVALID_CURSOR", "The cursor is malformed", { statusCode: 400 }),
  invalidToken: () => new AppError("INVALID_TOKEN", "The link is invalid, used or expired", { statusCode: 400 }),
  unauthorized: (message = "Authentication required") => new AppError("UNAUTHORIZED", message, { statusCode: 401 }),
  invalidRefreshToken: () =>
    new AppError("INVALID_REFRESH_TOKEN", "The refresh token is invalid or expired", { statusCode: 401 }),
  refreshTokenReused: () =>
    new AppError("REFRESH_TOKEN_REUSED", "This refresh token was already used; the session is revoked", {
      statusCode: 401,
    }),
  forbidden: () => new AppError("FORBIDDEN", "You are not allowed to do this", { statusCode: 403 }),
  wrongPassword: () => new AppError("INVALID_PASSWORD", "The current password is incorrect", { statusCode: 403 }),
  notFound: (what: string) => new AppError(`${what.toUpperCase()}_NOT_FOUND`, `${what} not found`, { statusCode: 404 }),
};

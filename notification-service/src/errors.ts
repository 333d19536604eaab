import { AppError, HTTP_ERRORS, createErrorResponses } from "@coffer/contracts/http";

/** Every code notification-service answers with over HTTP, and its status: codes are part of the API. */
export const ERROR_CODES = {
  ...HTTP_ERRORS,
  INVALID_CURSOR: 400,
  NOTIFICATION_NOT_FOUND: 404,
  TOO_MANY_STREAMS: 429,
  STREAM_CAPACITY_REACHED: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

const appError = (code: ErrorCode, message: string) => new AppError(code, message, { statusCode: ERROR_CODES[code] });

export const Errors = {
  notificationNotFound: () => appError("NOTIFICATION_NOT_FOUND", "Notification not found"),
  invalidCursor: () => appError("INVALID_CURSOR", "The cursor is malformed"),
  tooManyStreams: (max: number) =>
    appError("TOO_MANY_STREAMS", `At most ${max} live streams per account are open at once: close one first`),
  streamCapacityReached: () =>
    appError("STREAM_CAPACITY_REACHED", "This server holds as many live streams as it can: retry shortly"),
};

/** The `{ code, message }` answers of a route, by status: `errorResponses("NOTIFICATION_NOT_FOUND")`. */
export const errorResponses = createErrorResponses(ERROR_CODES);

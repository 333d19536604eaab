import { AppError, HTTP_ERRORS, createErrorResponses } from "@coffer/contracts";

/** Every code notification-service answers with over HTTP, and its status: codes are part of the API. */
export const ERROR_CODES = {
  ...HTTP_ERRORS,
  NOTIFICATION_NOT_FOUND: 404,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

const appError = (code: ErrorCode, message: string) => new AppError(code, message, { statusCode: ERROR_CODES[code] });

export const Errors = {
  notificationNotFound: () => appError("NOTIFICATION_NOT_FOUND", "Notification not found"),
};

/** The `{ code, message }` answers of a route, by status: `errorResponses("NOTIFICATION_NOT_FOUND")`. */
export const errorResponses = createErrorResponses(ERROR_CODES);

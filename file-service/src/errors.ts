import { AppError, HTTP_ERRORS, createErrorResponses } from "@coffer/contracts/http";

/** Every code file-service answers with, and its status: codes are part of the API. */
export const ERROR_CODES = {
  ...HTTP_ERRORS,
  INVALID_CURSOR: 400,
  INVALID_NAME: 400,
  INVALID_CHECKSUM: 400,
  CHECKSUM_MISMATCH: 400,
  INVALID_FILE_SIZE: 400,
  SIZE_MISMATCH: 400,
  FILE_REQUIRED: 400,
  INVALID_MULTIPART: 400,
  INVALID_UPLOAD_URL: 400,
  LENGTH_REQUIRED: 400,
  SHARE_EXPIRY_IN_PAST: 400,
  SHARE_EXPIRY_TOO_LATE: 400,
  TOO_MANY_RECIPIENTS: 400,
  SHARE_PASSWORD_REQUIRED: 401,
  SHARE_WRONG_PASSWORD: 403,
  FILE_NOT_FOUND: 404,
  FOLDER_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 404,
  TRASH_ITEM_NOT_FOUND: 404,
  CUSTOMER_NOT_FOUND: 404,
  UPLOAD_NOT_FOUND: 404,
  SHARE_NOT_FOUND: 404,
  DOWNLOAD_TICKET_NOT_FOUND: 404,
  UPLOAD_TIMEOUT: 408,
  NAME_TAKEN: 409,
  FOLDER_CYCLE: 409,
  ROOT_FOLDER: 409,
  SHARE_EXPIRED: 410,
  SHARE_REVOKED: 410,
  SHARE_EXHAUSTED: 410,
  SHARE_UNAVAILABLE: 410,
  DOWNLOAD_TICKET_EXPIRED: 410,
  FILE_TOO_LARGE: 413,
  QUOTA_EXCEEDED: 413,
  RANGE_NOT_SATISFIABLE: 416,
  UPLOAD_LOCKED: 423,
  TOO_MANY_ATTEMPTS: 429,
  TOO_MANY_UPLOADS: 429,
  SHARE_RATE_LIMITED: 429,
  RECIPIENT_LIMIT_REACHED: 429,
  STORAGE_UNAVAILABLE: 503,
  UPLOADS_BUSY: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

const appError = (
  code: ErrorCode,
  message: string,
  options: { cause?: unknown; retriable?: boolean; retryAfterSeconds?: number } = {},
) => new AppError(code, message, { ...options, statusCode: ERROR_CODES[code] });

const NOT_FOUND = {
  File: "FILE_NOT_FOUND",
  Folder: "FOLDER_NOT_FOUND",
  Version: "VERSION_NOT_FOUND",
  "Trash item": "TRASH_ITEM_NOT_FOUND",
  Customer: "CUSTOMER_NOT_FOUND",
  Upload: "UPLOAD_NOT_FOUND",
} as const;

export const Errors = {
  notFound: (what: keyof typeof NOT_FOUND) => appError(NOT_FOUND[what], `${what} not found`),
  invalidCursor: () => appError("INVALID_CURSOR", "The cursor is malformed"),
  invalidName: (reason: string) => appError("INVALID_NAME", `Invalid name: ${reason}`),
  nameTaken: (name: string) => appError("NAME_TAKEN", `"${name}" already exists in this folder`),
  folderCycle: () => appError("FOLDER_CYCLE", "A folder cannot move into itself or its own subfolder"),
  rootFolder: () => appError("ROOT_FOLDER", "The root folder cannot be changed or deleted"),
  fileTooLarge: (max: number) => appError("FILE_TOO_LARGE", `Files are limited to ${max} bytes`),
  quotaExceeded: () => appError("QUOTA_EXCEEDED", "This upload would exceed your storage quota"),
  checksumMismatch: () =>
    appError("CHECKSUM_MISMATCH", "The content does not match the checksum sent with it; nothing was stored"),
  badChecksumHeader: () =>
    appError("INVALID_CHECKSUM", "x-checksum-sha256 must be 64 hex digits (or Repr-Digest: sha-256=:base64:)"),
  badFileSizeHeader: () => appError("INVALID_FILE_SIZE", "x-file-size must be the file's size in bytes, digits only"),
  sizeMismatch: (announced: number, received: number) =>
    appError(
      "SIZE_MISMATCH",
      `The file is not the ${announced} bytes announced in x-file-size (${received > announced ? "more" : `${received}`} arrived); nothing was stored`,
    ),
  noFile: () => appError("FILE_REQUIRED", "Send the file as a multipart/form-data part named file"),
  invalidMultipart: (cause: unknown) =>
    appError("INVALID_MULTIPART", `The multipart/form-data body is malformed: ${(cause as Error).message}`, {
      cause,
    }),
  rangeNotSatisfiable: () => appError("RANGE_NOT_SATISFIABLE", "The requested range is outside the file"),
  invalidUploadUrl: () =>
    appError("INVALID_UPLOAD_URL", "An upload's URL is its Location exactly: no query, fragment or encoded characters"),
  uploadTimeout: (seconds: number) =>
    appError("UPLOAD_TIMEOUT", `Nothing of the upload arrived for ${seconds} s; nothing was stored`),
  tooManyUploads: (max: number) =>
    appError("TOO_MANY_UPLOADS", `At most ${max} uploads at a time; send this one when another has finished`),
  uploadsBusy: () =>
    appError("UPLOADS_BUSY", "This server carries as many uploads as it can; try again shortly", { retriable: true }),
  storageUnavailable: (cause: unknown) =>
    appError("STORAGE_UNAVAILABLE", "File storage is unavailable; try again shortly", { cause, retriable: true }),
};

export const TicketErrors = {
  notFound: () => appError("DOWNLOAD_TICKET_NOT_FOUND", "This download link does not exist or no longer works"),
  expired: () => appError("DOWNLOAD_TICKET_EXPIRED", "This download link has expired; start the download again"),
};

export const ShareErrors = {
  notFound: () => appError("SHARE_NOT_FOUND", "This share link does not exist"),
  expired: () => appError("SHARE_EXPIRED", "This share link has expired"),
  revoked: () => appError("SHARE_REVOKED", "This share link was revoked by its owner"),
  exhausted: () => appError("SHARE_EXHAUSTED", "This share link has reached its download limit"),
  unavailable: () => appError("SHARE_UNAVAILABLE", "The shared file is no longer available"),
  ownerInactive: () => appError("SHARE_UNAVAILABLE", "This share link is unavailable"),
  passwordRequired: () => appError("SHARE_PASSWORD_REQUIRED", "Unlock this share with its password first"),
  wrongPassword: () => appError("SHARE_WRONG_PASSWORD", "The password is not right"),
  expiryTooLate: (days: number) => appError("SHARE_EXPIRY_TOO_LATE", `Share links last at most ${days} days`),
  expiryInPast: () => appError("SHARE_EXPIRY_IN_PAST", "The expiry must be in the future"),
  tooManyAttempts: (retryAfterSeconds: number) =>
    appError("TOO_MANY_ATTEMPTS", `Too many wrong passwords; try again in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    }),
  tooManyRecipients: (max: number) =>
    appError("TOO_MANY_RECIPIENTS", `A share link is mailed to at most ${max} recipients`),
  rateLimited: (perHour: number, retryAfterSeconds: number) =>
    appError("SHARE_RATE_LIMITED", `At most ${perHour} share links an hour; try again in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    }),
  recipientLimitReached: (perDay: number, left: number, retryAfterSeconds: number) =>
    appError(
      "RECIPIENT_LIMIT_REACHED",
      `Share links are mailed to at most ${perDay} recipients a day; ${left} left now, more in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    ),
};

/**
 * What @tus/server answers for a refused upload: the status and `{ code, message }` (which it
 * sends as text/plain, the only type it knows).
 */
export const tusError = (code: ErrorCode, message: string) => ({
  status_code: ERROR_CODES[code],
  body: JSON.stringify({ code, message }),
});

/** The `{ code, message }` answers of a route, by status: `errorResponses("FILE_NOT_FOUND", "NAME_TAKEN")`. */
export const errorResponses = createErrorResponses(ERROR_CODES);

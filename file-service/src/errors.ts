import { AppError } from "@coffer/contracts";

/** The errors file-service answers with; codes are part of the API. */
export const Errors = {
  notFound: (what: "File" | "Folder" | "Version" | "Trash item" | "Customer" | "Upload") =>
    new AppError(`${what.toUpperCase().replace(" ", "_")}_NOT_FOUND`, `${what} not found`, { statusCode: 404 }),
  invalidCursor: () => new AppError("INVALID_CURSOR", "The cursor is malformed", { statusCode: 400 }),
  invalidName: (reason: string) => new AppError("INVALID_NAME", `Invalid name: ${reason}`, { statusCode: 400 }),
  nameTaken: (name: string) =>
    new AppError("NAME_TAKEN", `"${name}" already exists in this folder`, { statusCode: 409 }),
  folderCycle: () =>
    new AppError("FOLDER_CYCLE", "A folder cannot move into itself or its own subfolder", { statusCode: 409 }),
  rootFolder: () => new AppError("ROOT_FOLDER", "The root folder cannot be changed or deleted", { statusCode: 409 }),
  fileTooLarge: (max: number) =>
    new AppError("FILE_TOO_LARGE", `Files are limited to ${max} bytes`, { statusCode: 413 }),
  quotaExceeded: () =>
    new AppError("QUOTA_EXCEEDED", "This upload would exceed your storage quota", { statusCode: 413 }),
  checksumMismatch: () =>
    new AppError("CHECKSUM_MISMATCH", "The content does not match the checksum sent with it; nothing was stored", {
      statusCode: 400,
    }),
  badChecksumHeader: () =>
    new AppError("INVALID_CHECKSUM", "x-checksum-sha256 must be 64 hex digits (or Repr-Digest: sha-256=:base64:)", {
      statusCode: 400,
    }),
  noFile: () =>
    new AppError("FILE_REQUIRED", "Send the file as a multipart/form-data part named file", { statusCode: 400 }),
  rangeNotSatisfiable: () =>
    new AppError("RANGE_NOT_SATISFIABLE", "The requested range is outside the file", { statusCode: 416 }),
  storageUnavailable: (cause: unknown) =>
    new AppError("STORAGE_UNAVAILABLE", "File storage is unavailable; try again shortly", {
      statusCode: 503,
      cause,
      retriable: true,
    }),
};

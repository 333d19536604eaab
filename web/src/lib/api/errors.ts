/** What the API answers with a 4xx or 503: `{ code, message }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const UNAVAILABLE_WORDS = "Coffer is unavailable right now. Please try again in a moment.";

const WORDS: Record<string, string> = {
  DEPENDENCY_UNAVAILABLE: UNAVAILABLE_WORDS,
  STORAGE_UNAVAILABLE: "File storage is unavailable right now. Please try again in a moment.",
  UPLOADS_BUSY: "Too many uploads are in progress on the server. Please try again in a moment.",
  NETWORK: "You seem to be offline. Check your connection and try again.",
  INTERNAL_ERROR: "Something went wrong on our side. Please try again.",
  VALIDATION_FAILED: "Some of the information is not valid.",
  UNAUTHORIZED: "Please sign in again.",
  FORBIDDEN: "You are not allowed to do that.",
  ROUTE_NOT_FOUND: "That does not exist.",
  INVALID_CREDENTIALS: "The e-mail address or password is wrong.",
  EMAIL_NOT_VERIFIED: "Please verify your e-mail address first: follow the link we mailed you.",
  ACCOUNT_DISABLED: "This account is disabled.",
  TOO_MANY_ATTEMPTS: "Too many attempts. Please wait a little and try again.",
  RATE_LIMITED: "Too many requests. Please wait a little and try again.",
  // The gateway's own limits answer without a code.
  HTTP_429: "Too many requests from your address. Please wait a minute and try again.",
  INVALID_REFRESH_TOKEN: "Your session has ended. Please sign in again.",
  REFRESH_TOKEN_REUSED: "Your session was ended, for your safety. Please sign in again.",
  INVALID_PASSWORD: "The password is wrong.",
  INVALID_TOKEN: "This link is not valid any more.",
  SESSION_NOT_FOUND: "That session has already ended.",
  CUSTOMER_NOT_FOUND: "That account does not exist.",
  INVALID_CURSOR: "The list changed; please reload it.",
  INVALID_NAME: "That name is not allowed.",
  NAME_TAKEN: "Something with that name is already there.",
  FOLDER_CYCLE: "A folder cannot go inside itself.",
  ROOT_FOLDER: "The top folder cannot be changed.",
  FILE_NOT_FOUND: "That file does not exist any more.",
  FOLDER_NOT_FOUND: "That folder does not exist any more.",
  VERSION_NOT_FOUND: "That version does not exist.",
  TRASH_ITEM_NOT_FOUND: "That item is no longer in the trash.",
  UPLOAD_NOT_FOUND: "That upload has expired. Please start it again.",
  INVALID_CHECKSUM: "The file's checksum was not sent correctly.",
  CHECKSUM_MISMATCH: "The file changed or was damaged on the way. Please upload it again.",
  FILE_TOO_LARGE: "That file is too large.",
  QUOTA_EXCEEDED: "Your storage is full. Free some space or ask for more.",
  PAYLOAD_TOO_LARGE: "That is too large.",
  TOO_MANY_UPLOADS: "Too many uploads at once. Please wait for some to finish.",
  UPLOAD_TIMEOUT: "The upload stalled. It will resume when you retry.",
  SHARE_NOT_FOUND: "That share does not exist.",
  SHARE_EXPIRY_IN_PAST: "The expiry must be in the future.",
  SHARE_EXPIRY_TOO_LATE: "The expiry is too far in the future.",
  TOO_MANY_RECIPIENTS: "Too many recipients.",
  RECIPIENT_LIMIT_REACHED: "You have sent too many share mails today.",
  SHARE_RATE_LIMITED: "Too many share requests. Please wait a little.",
  NOTIFICATION_NOT_FOUND: "That notification does not exist.",
  TOO_MANY_STREAMS: "Too many open windows are following your inbox.",
  STREAM_CAPACITY_REACHED: "Live updates are busy right now; they will resume shortly.",
};

/** A server is down (the gateway's 502/504, a service's 503) or the network is gone: not the person's doing. */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.code === "NETWORK") return true;
  return [502, 503, 504].includes(error.status) && !["UPLOADS_BUSY", "STREAM_CAPACITY_REACHED"].includes(error.code);
}

/** The words a person reads for an error: ours for a known code, else the API's own message. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return WORDS.INTERNAL_ERROR!;
  return WORDS[error.code] ?? (isUnavailable(error) ? UNAVAILABLE_WORDS : error.message);
}

/** The ApiError an unsuccessful answer stands for, from its parsed body. */
export function errorFrom(response: Response, body: unknown): ApiError {
  const { code, message } = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  return new ApiError(
    response.status,
    typeof code === "string" ? code : `HTTP_${response.status}`,
    typeof message === "string" ? message : response.statusText,
  );
}

/** The ApiError an unsuccessful answer stands for, reading its body. */
export async function errorOf(response: Response): Promise<ApiError> {
  return errorFrom(response, await response.json().catch(() => undefined));
}

/** What a failed fetch (no answer at all) stands for. */
export const networkError = () => new ApiError(0, "NETWORK", "The network request failed");

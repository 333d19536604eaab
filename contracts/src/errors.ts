/** An error a service expects and answers with its own code; anything else is a generic 500. */
export class AppError extends Error {
  readonly statusCode: number;
  readonly retriable: boolean;
  /** For a retriable error in a Kafka handler: dead-letter after this many attempts instead of the runner's budget. */
  readonly maxAttempts: number | undefined;
  /** For a refusal that passes with time (429): the shared error handler sends it as Retry-After. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: string,
    message: string,
    options: {
      statusCode?: number;
      cause?: unknown;
      retriable?: boolean;
      maxAttempts?: number;
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.statusCode = options.statusCode ?? 400;
    this.retriable = options.retriable ?? false;
    this.maxAttempts = options.maxAttempts;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/**
 * The schema registry cannot be reached to read a record's writer schema. Not the record's fault:
 * a consumer waits for the registry (however long) rather than dead-lettering what it cannot read yet.
 */
export class RegistryUnavailable extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "RegistryUnavailable";
  }
}

/**
 * A Kafka record that can never be read, however often it is retried: it is not in the registry's
 * wire format, its schema id is unknown, or it does not decode to its topic's event. The consumer
 * runner dead-letters it (as it does a handler's AppError that is not retriable).
 */
export class PoisonRecordError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "PoisonRecordError";
  }
}

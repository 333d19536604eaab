/** An error a service expects and answers with its own code; anything else is a generic 500. */
export class AppError extends Error {
  readonly statusCode: number;
  readonly retriable: boolean;
  /** For a retriable error in a Kafka handler: dead-letter after this many attempts instead of the runner's budget. */
  readonly maxAttempts: number | undefined;

  constructor(
    readonly code: string,
    message: string,
    options: { statusCode?: number; cause?: unknown; retriable?: boolean; maxAttempts?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.statusCode = options.statusCode ?? 400;
    this.retriable = options.retriable ?? false;
    this.maxAttempts = options.maxAttempts;
  }
}

/**
 * A Kafka record that can never be handled, however often it is retried: it cannot be decoded,
 * does not match its schema, or its handler refused it. The consumer runner dead-letters it.
 */
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

export class PoisonRecordError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "PoisonRecordError";
  }
}

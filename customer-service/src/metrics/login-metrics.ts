import { AppError } from "@coffer/contracts/http";
import { Counter, type ServiceMetrics } from "@coffer/contracts/metrics";

export type LoginMetrics = {
  /** A login answered: counted as a success when it issued tokens. */
  answered(statusCode: number): void;
  /** A login refused: a failure (wrong password, unverified, disabled) or locked (too many failures). */
  refused(error: unknown): void;
  /** A failed login locked its account. */
  lockedOut(): void;
};

const OUTCOMES: Record<string, "failure" | "locked"> = {
  INVALID_CREDENTIALS: "failure",
  EMAIL_NOT_VERIFIED: "failure",
  ACCOUNT_DISABLED: "failure",
  TOO_MANY_ATTEMPTS: "locked",
};

/** `coffer_logins_total{outcome}` and `coffer_account_lockouts_total`. */
export function createLoginMetrics({ registry }: ServiceMetrics): LoginMetrics {
  const logins = new Counter({
    name: "coffer_logins_total",
    help: "Logins, by outcome: success, failure (credentials, unverified, disabled), locked (refused by the throttle)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const lockouts = new Counter({
    name: "coffer_account_lockouts_total",
    help: "Failed logins that locked their account",
    registers: [registry],
  });
  return {
    answered(statusCode) {
      if (statusCode === 200) logins.inc({ outcome: "success" });
    },
    refused(error) {
      const outcome = error instanceof AppError ? OUTCOMES[error.code] : undefined;
      if (outcome) logins.inc({ outcome });
    },
    lockedOut: () => lockouts.inc(),
  };
}

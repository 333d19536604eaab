import { createAccountRepository } from "../src/accounts/account-repository.js";
import { createMailAllowance } from "../src/accounts/mail-allowance.js";
import type { Config } from "../src/config.js";
import type { Models } from "../src/database.js";
import type { CleanupDeps } from "../src/jobs/cleanup.js";
import { createAttemptRepository } from "../src/limits/attempt-repository.js";
import { createSessionRepository } from "../src/sessions/session-repository.js";
import { cipher } from "./support.js";

/** What the app's cleanup job is given, built on a test's own connection to the app's database. */
export function cleanupDepsFor(models: Models, config: Config): CleanupDeps {
  return {
    accounts: createAccountRepository(models.Customer),
    sessions: createSessionRepository(models.Session),
    cipher,
    // The app's relay publishes what the job writes: it polls.
    wakeRelay: () => undefined,
    adminEmails: config.adminEmails,
    mails: createMailAllowance(createAttemptRepository(models.SentMail), config.accountMails),
    unverifiedAccountTtlHours: config.unverifiedAccountTtlHours,
  };
}

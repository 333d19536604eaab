import type { Attempt } from "../database.js";
import { takeAttempt } from "../limits/attempt-ledger.js";
import type { AttemptRepository } from "../limits/attempt-repository.js";

const DAY_MS = 24 * 3600_000;

/** The routes that send mail, limited per client address too; the allowance stops per-address abuse. */
export const MAIL_ROUTE_RATE_LIMIT = { rateLimit: { max: 5, timeWindow: "15 minutes" } };

/** The mails anyone can make us send to an address by asking. */
export type MailKind = "verification" | "password-reset";

/**
 * How many of those mails an address gets: one a minute (`intervalSeconds`) and `perDay` a day,
 * per kind, counted in the database, so that every instance counts the same mails and a burst
 * of requests sends one.
 */
export function createMailAllowance(
  sentMails: AttemptRepository,
  options: { intervalSeconds: number; perDay: number },
) {
  function secondsToWait(sent: readonly Attempt[], now: number): number {
    const [latest] = sent;
    const interval = latest ? latest.at.getTime() + options.intervalSeconds * 1000 - now : 0;
    const oldestOfDay = sent[options.perDay - 1];
    const day = oldestOfDay ? oldestOfDay.at.getTime() + DAY_MS - now : 0;
    return Math.max(0, interval, day) / 1000;
  }

  return {
    /** Takes one mail of the address's allowance; `null`: it had its share, send nothing. */
    async take(kind: MailKind, email: string): Promise<{ giveBack(): Promise<void> } | null> {
      const taken = await takeAttempt(sentMails, `${kind}:${email}`, new Date(Date.now() - DAY_MS), secondsToWait);
      if (!taken.ok) return null;
      return { giveBack: () => sentMails.settle(taken, "void") };
    },

    async purgeExpired(now = new Date()): Promise<void> {
      await sentMails.purgeBefore(new Date(now.getTime() - DAY_MS));
    },
  };
}

export type MailAllowance = ReturnType<typeof createMailAllowance>;

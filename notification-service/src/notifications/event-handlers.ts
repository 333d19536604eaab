import { TOPICS, type AnyEvent, type HandlerContext, type Handlers } from "@coffer/contracts";
import type pg from "pg";
import { park, parkedFor, unpark } from "../customers/awaiting-customer.js";
import { applyCustomerFacts, findCustomer } from "../customers/customer-projection.js";
import { CustomerNotKnownYet, notify, openSecret, type NotifyDeps } from "./notify.js";

type Db = pg.PoolClient;
type Ctx = HandlerContext<Db>;
/** Every event handled here is about one customer. */
type CustomerEvent = AnyEvent & { customerId: string };
type Handle = (e: CustomerEvent, ctx: Ctx) => Promise<void>;

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * Text a customer chose (a name, a file name), made fit to quote in a mail to someone else:
 * without the invisible and direction-changing characters that could disguise it, and short.
 */
export function quotable(text: string, max: number): string {
  const plain = text
    .replace(/[\p{Cc}\p{Cf}]/gu, "")
    .replace(/\s+/g, " ")
    .trim();
  const chars = [...plain];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : plain;
}

const formatDate = (date: Date, locale: string) =>
  `${date.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC`;

/**
 * What each event does here. Every effect is idempotent on its own (projection guarded by
 * event time, inbox unique per event, delivery log per recipient), so the handlers opt out of
 * the runner's deduplication: that is what lets an operator's replay with the resend header
 * send a mail again, and only the mail.
 */
export function createEventHandlers(deps: NotifyDeps): Handlers<Db> {
  const link = (path: string) => `${deps.publicBaseUrl}${path}`;
  const open = (topic: string, customerId: string, token: string) => openSecret(deps.cipher, topic, customerId, token);
  const localeOf = async (db: Db, customerId: string) => (await findCustomer(db, customerId))?.locale ?? "en";

  /**
   * Hands back, oldest first, what waited for this customer's profile; what still cannot run
   * stays. One release per customer at a time (an advisory lock on this connection), so an event
   * parked while the profile arrived is handled once, by whichever side saw both.
   */
  async function release(customerId: string, ctx: Ctx) {
    const lock = [`awaiting-customer:${customerId}`];
    await ctx.db.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", lock);
    try {
      for (const { topic, event, headers } of await parkedFor(ctx.db, customerId)) {
        const { handle } = handlers[topic] as unknown as { handle: Handle };
        try {
          await handle(event, { ...ctx, topic, headers });
        } catch (error) {
          if (error instanceof CustomerNotKnownYet) continue;
          throw error;
        }
        await unpark(ctx.db, event.eventId);
      }
    } finally {
      await ctx.db.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", lock);
    }
  }

  const handlers: Handlers<Db> = {
    [TOPICS.customerRegistered]: {
      deduplicate: false,
      handle: async (e, ctx) => {
        const { customerId, occurredAt, email, displayName, locale } = e;
        await applyCustomerFacts(ctx.db, { customerId, occurredAt, email, displayName, locale });
        await release(customerId, ctx);
      },
    },

    [TOPICS.customerEmailVerificationRequested]: {
      deduplicate: false,
      handle: async (e, { db, headers }) => {
        await applyCustomerFacts(db, {
          customerId: e.customerId,
          occurredAt: e.occurredAt,
          email: e.email,
          displayName: e.displayName,
        });
        const token = open(TOPICS.customerEmailVerificationRequested, e.customerId, e.token);
        await notify(
          deps,
          db,
          {
            eventId: e.eventId,
            customerId: e.customerId,
            kind: "verify-email",
            category: "security",
            vars: {
              name: e.displayName,
              email: e.email,
              link: link(`/verify-email?token=${encodeURIComponent(token)}`),
              expires: formatDate(e.expiresAt, await localeOf(db, e.customerId)),
            },
            inbox: false,
            mailTo: [e.email],
          },
          headers,
        );
      },
    },

    [TOPICS.customerEmailVerified]: {
      deduplicate: false,
      handle: async (e, { db, headers }) => {
        await applyCustomerFacts(db, {
          customerId: e.customerId,
          occurredAt: e.occurredAt,
          email: e.email,
          emailVerified: true,
        });
        await notify(
          deps,
          db,
          {
            eventId: e.eventId,
            customerId: e.customerId,
            kind: "welcome",
            category: "security",
            vars: { link: link("/") },
            inbox: true,
            mailTo: "customer",
          },
          headers,
        );
      },
    },

    [TOPICS.customerPasswordResetRequested]: {
      deduplicate: false,
      handle: async (e, { db, headers }) => {
        await applyCustomerFacts(db, { customerId: e.customerId, occurredAt: e.occurredAt, email: e.email });
        const token = open(TOPICS.customerPasswordResetRequested, e.customerId, e.token);
        await notify(
          deps,
          db,
          {
            eventId: e.eventId,
            customerId: e.customerId,
            kind: "password-reset",
            category: "security",
            vars: {
              email: e.email,
              link: link(`/reset-password?token=${encodeURIComponent(token)}`),
              expires: formatDate(e.expiresAt, await localeOf(db, e.customerId)),
            },
            inbox: true,
            inboxLink: false,
            mailTo: "customer",
          },
          headers,
        );
      },
    },

    [TOPICS.customerPasswordChanged]: {
      deduplicate: false,
      handle: async (e, { db, headers }) => {
        await applyCustomerFacts(db, { customerId: e.customerId, occurredAt: e.occurredAt, email: e.email });
        await notify(
          deps,
          db,
          {
            eventId: e.eventId,
            customerId: e.customerId,
            kind: "password-changed",
            category: "security",
            vars: { link: link("/forgot-password") },
            inbox: true,
            mailTo: "customer",
          },
          headers,
        );
      },
    },

    [TOPICS.customerProfileUpdated]: {
      deduplicate: false,
      handle: async (e, ctx) => {
        await applyCustomerFacts(ctx.db, {
          customerId: e.customerId,
          occurredAt: e.occurredAt,
          email: e.email,
          displayName: e.displayName,
          locale: e.locale,
        });
        await release(e.customerId, ctx);
      },
    },

    [TOPICS.customerDeleted]: {
      deduplicate: false,
      handle: async (e, { db, headers }) => {
        // The goodbye goes out before the address is forgotten; after it, nothing more.
        await notify(
          deps,
          db,
          {
            eventId: e.eventId,
            customerId: e.customerId,
            kind: "goodbye",
            category: "security",
            vars: {},
            inbox: false,
            mailTo: "customer",
          },
          headers,
        ).catch((error: unknown) => {
          if (!(error instanceof CustomerNotKnownYet)) throw error;
        });
        await applyCustomerFacts(db, { customerId: e.customerId, occurredAt: e.occurredAt, deleted: true });
        await db.query("DELETE FROM inbox WHERE customer_id = $1", [e.customerId]);
        await db.query("DELETE FROM preferences WHERE customer_id = $1", [e.customerId]);
        await db.query("DELETE FROM awaiting_customer WHERE customer_id = $1", [e.customerId]);
      },
    },

    [TOPICS.fileUploaded]: {
      deduplicate: false,
      handle: async (e, { db, headers }) => {
        await notify(
          deps,
          db,
          {
            eventId: e.eventId,
            customerId: e.customerId,
            kind: "file-uploaded",
            category: "activity",
            vars: { fileName: e.name, size: formatBytes(e.size), version: e.version, versioned: e.version > 1 },
            inbox: true,
            mailTo: null,
          },
          headers,
        );
      },
    },

    ...Object.fromEntries(
      (
        [
          [TOPICS.fileTrashed, "file-trashed"],
          [TOPICS.fileRestored, "file-restored"],
          [TOPICS.filePurged, "file-purged"],
        ] as const
      ).map(([topic, kind]) => [
        topic,
        {
          deduplicate: false,
          handle: async (e: { eventId: string; customerId: string; name: string }, { db, headers }: Ctx) => {
            await notify(
              deps,
              db,
              {
                eventId: e.eventId,
                customerId: e.customerId,
                kind,
                category: "activity",
                vars: { fileName: e.name },
                inbox: true,
                mailTo: null,
              },
              headers,
            );
          },
        },
      ]),
    ),

    [TOPICS.shareCreated]: {
      deduplicate: false,
      handle: async (e, { db, headers, log }) => {
        const owner = await findCustomer(db, e.customerId);
        if (!owner?.deleted && !(owner?.email && owner.profileKnown)) throw new CustomerNotKnownYet(e.customerId);
        if (!e.token && e.recipients.length > 0)
          log.warn({ shareId: e.shareId }, "share.created without a link token: recipients are not mailed");
        const url = e.token ? link(`/s/${encodeURIComponent(open(TOPICS.shareCreated, e.customerId, e.token))}`) : null;
        // The owner's words reach people who never asked for them: quoted, and next to the
        // owner's verified address (only verified accounts log in), never as Coffer's voice.
        const vars = {
          owner: quotable(owner?.displayName || owner?.email || "Someone", 60),
          ownerEmail: owner?.email ?? "",
          fileName: quotable(e.fileName, 80),
          expires: e.expiresAt ? formatDate(e.expiresAt, owner?.locale ?? "en") : null,
          passwordProtected: e.passwordProtected,
          recipientCount: e.recipients.length,
          link: url,
        };
        // The owner chose the recipients: their mail does not depend on the owner's preferences.
        if (url && e.recipients.length > 0) {
          await notify(
            deps,
            db,
            {
              eventId: e.eventId,
              customerId: e.customerId,
              kind: "share-created",
              category: "security",
              vars,
              inbox: false,
              mailTo: e.recipients,
            },
            headers,
          );
        }
        await notify(
          deps,
          db,
          {
            eventId: e.eventId,
            customerId: e.customerId,
            kind: "share-created",
            category: "shares",
            vars: { ...vars, link: link("/shares") },
            inbox: true,
            mailTo: null,
          },
          headers,
        );
      },
    },

    [TOPICS.shareAccessed]: {
      deduplicate: false,
      handle: async (e, { db, headers }) => {
        await notify(
          deps,
          db,
          {
            eventId: e.eventId,
            customerId: e.customerId,
            kind: "share-opened",
            category: "shares",
            vars: {
              fileName: e.fileName,
              accessed: formatDate(e.accessedAt, await localeOf(db, e.customerId)),
              link: link("/shares"),
            },
            inbox: true,
            mailTo: "customer",
          },
          headers,
        );
      },
    },

    [TOPICS.quotaThresholdReached]: {
      deduplicate: false,
      handle: async (e, { db, headers }) => {
        await notify(
          deps,
          db,
          {
            eventId: e.eventId,
            customerId: e.customerId,
            kind: "storage",
            category: "storage",
            vars: {
              threshold: e.threshold,
              full: e.threshold >= 100,
              used: formatBytes(e.usedBytes),
              quota: formatBytes(e.quotaBytes),
              link: link("/usage"),
            },
            inbox: true,
            mailTo: "customer",
          },
          headers,
        );
      },
    },
  };

  // An event whose mail needs a customer not projected yet is parked rather than retried: the
  // retries would hold up the fetch that brings the customer's own events.
  return Object.fromEntries(
    Object.entries(handlers).map(([topic, spec]) => {
      const { handle } = spec as unknown as { handle: Handle };
      return [
        topic,
        {
          deduplicate: false,
          handle: async (e: CustomerEvent, ctx: Ctx) => {
            try {
              await handle(e, ctx);
            } catch (error) {
              if (!(error instanceof CustomerNotKnownYet)) throw error;
              await park(ctx.db, { topic: ctx.topic, event: e, headers: ctx.headers });
              ctx.log.info({ eventId: e.eventId, customerId: e.customerId }, "event waits for its customer's profile");
              // The profile may have been applied (and its release found nothing) while this ran.
              if ((await findCustomer(ctx.db, e.customerId))?.profileKnown) await release(e.customerId, ctx);
            }
          },
        },
      ];
    }),
  ) as Handlers<Db>;
}

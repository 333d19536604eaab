import { TOPICS, type EventMap, type Logger, type Topic } from "@coffer/contracts";
import type { KnownCustomer } from "../customers/customer-repository.js";
import { formatBytes, formatDate, quotable } from "../mail/formatters.js";
import type { Kind } from "../mail/templates.js";
import { CustomerNotKnownYet, type Notification } from "./notify.js";

/** What an entry of the table reads besides its event. */
export type EntryContext = {
  /** The customer as projected, the event's own facts applied. */
  customer: KnownCustomer | undefined;
  locale: string;
  link(path: string): string;
  /** Opens a secret the event carries sealed for this service. */
  open(sealed: string): string;
  log: Logger;
};

type Entry<T extends Topic> = (event: EventMap[T], context: EntryContext) => Notification[];

const fileActivity =
  (kind: Kind) =>
  (e: { name: string }): Notification[] => [
    { kind, category: "activity", vars: { fileName: e.name }, inbox: true, mailTo: null },
  ];

/** What each event tells, and to whom: inbox items, mail to the customer, mail to the addresses it names. */
const table = {
  [TOPICS.customerEmailVerificationRequested]: (e, { link, open, locale }) => [
    {
      kind: "verify-email",
      category: "security",
      vars: {
        name: e.displayName,
        email: e.email,
        link: link(`/verify-email?token=${encodeURIComponent(open(e.token))}`),
        expires: formatDate(e.expiresAt, locale),
      },
      inbox: false,
      mailTo: [e.email],
    },
  ],

  [TOPICS.customerEmailVerified]: (_, { link }) => [
    { kind: "welcome", category: "security", vars: { link: link("/") }, inbox: true, mailTo: "customer" },
  ],

  [TOPICS.customerPasswordResetRequested]: (e, { link, open, locale }) => [
    {
      kind: "password-reset",
      category: "security",
      vars: {
        email: e.email,
        link: link(`/reset-password?token=${encodeURIComponent(open(e.token))}`),
        expires: formatDate(e.expiresAt, locale),
      },
      inbox: true,
      inboxLink: false,
      mailTo: "customer",
    },
  ],

  [TOPICS.customerPasswordChanged]: (_, { link }) => [
    {
      kind: "password-changed",
      category: "security",
      vars: { link: link("/forgot-password") },
      inbox: true,
      mailTo: "customer",
    },
  ],

  // The goodbye goes out before the address is forgotten; after it, nothing more.
  [TOPICS.customerDeleted]: () => [
    { kind: "goodbye", category: "security", vars: {}, inbox: false, mailTo: "customer" },
  ],

  [TOPICS.fileUploaded]: (e) => [
    {
      kind: "file-uploaded",
      category: "activity",
      vars: { fileName: e.name, size: formatBytes(e.size), version: e.version, versioned: e.version > 1 },
      inbox: true,
      mailTo: null,
    },
  ],
  [TOPICS.fileTrashed]: fileActivity("file-trashed"),
  [TOPICS.fileRestored]: fileActivity("file-restored"),
  [TOPICS.filePurged]: fileActivity("file-purged"),

  [TOPICS.shareCreated]: (e, { customer: owner, locale, link, open, log }) => {
    if (!owner?.deleted && !(owner?.email && owner.profileKnown)) throw new CustomerNotKnownYet(e.customerId);
    if (!e.token && e.recipients.length > 0)
      log.warn({ shareId: e.shareId }, "share.created without a link token: recipients are not mailed");
    const url = e.token ? link(`/s/${encodeURIComponent(open(e.token))}`) : null;
    // The owner's words reach people who never asked for them: quoted, and next to the
    // owner's verified address (only verified accounts log in), never as Coffer's voice.
    const vars = {
      owner: quotable(owner?.displayName || owner?.email || "Someone", 60),
      ownerEmail: owner?.email ?? "",
      fileName: quotable(e.fileName, 80),
      expires: e.expiresAt ? formatDate(e.expiresAt, locale) : null,
      passwordProtected: e.passwordProtected,
      recipientCount: e.recipients.length,
      link: url,
    };
    const toOwner: Notification = {
      kind: "share-created",
      category: "shares",
      vars: { ...vars, link: link("/app/shares") },
      inbox: true,
      mailTo: null,
    };
    if (!url || e.recipients.length === 0) return [toOwner];
    // The owner chose the recipients: their mail does not depend on the owner's preferences.
    return [{ kind: "share-created", category: "security", vars, inbox: false, mailTo: e.recipients }, toOwner];
  },

  [TOPICS.shareAccessed]: (e, { link, locale }) => [
    {
      kind: "share-opened",
      category: "shares",
      vars: { fileName: e.fileName, accessed: formatDate(e.accessedAt, locale), link: link("/app/shares") },
      inbox: true,
      mailTo: "customer",
    },
  ],

  [TOPICS.quotaThresholdReached]: (e, { link }) => [
    {
      kind: "storage",
      category: "storage",
      vars: {
        threshold: e.threshold,
        full: e.threshold >= 100,
        used: formatBytes(e.usedBytes),
        quota: formatBytes(e.quotaBytes),
        link: link("/app/usage"),
      },
      inbox: true,
      mailTo: "customer",
    },
  ],
} satisfies { [T in Topic]?: Entry<T> };

export type NotifyingTopic = keyof typeof table;

// The same table, typed so that `EVENT_NOTIFICATIONS[topic]` takes that topic's event.
export const EVENT_NOTIFICATIONS: { [T in NotifyingTopic]: Entry<T> } = table;

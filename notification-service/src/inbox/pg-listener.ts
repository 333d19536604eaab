import type { EventLogger } from "@coffer/contracts";
import pg from "pg";

export type PgListener = { start(): Promise<void>; stop(): Promise<void> };

const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 30_000;

/**
 * LISTENs on a channel over a connection of its own (a session: never through a transaction
 * pooler), and LISTENs again after losing it, backing off from half a second to 30 s while
 * PostgreSQL stays out of reach. `onListening` runs each time the LISTEN is in place, the first
 * time and after every reconnection, for what was notified while nobody listened.
 */
export function createPgListener(options: {
  connectionString: string;
  channel: string;
  /** How the logs name it: "inbox", "access revocation". */
  name: string;
  logger: EventLogger;
  onNotification(payload: string | undefined): void;
  onListening?(): void;
}): PgListener {
  const { name, logger } = options;
  let listener: pg.Client | undefined;
  let stopped = false;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;

  async function listen(): Promise<void> {
    if (stopped) return;
    const client = new pg.Client({ connectionString: options.connectionString });
    let lost = false;
    // A terminated backend emits `error` then `end`, a closed socket only `end`: one retry either way.
    const onLost = (err?: unknown) => {
      if (lost || stopped) return;
      lost = true;
      if (listener === client) listener = undefined;
      client.end().catch(() => undefined);
      const delay = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** failures);
      failures += 1;
      logger.warn({ err, retryInMs: delay }, `${name} LISTEN connection lost or refused; listening again`);
      retry = setTimeout(() => void listen(), delay);
    };
    client.on("notification", (message) => options.onNotification(message.payload));
    client.on("error", onLost);
    client.on("end", () => onLost());
    try {
      await client.connect();
      await client.query(`LISTEN ${options.channel}`);
    } catch (err) {
      onLost(err);
      return;
    }
    if (lost) return;
    if (stopped) return void (await client.end().catch(() => undefined));
    listener = client;
    failures = 0;
    options.onListening?.();
  }

  return {
    start: () => listen(),
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await listener?.end().catch(() => undefined);
    },
  };
}

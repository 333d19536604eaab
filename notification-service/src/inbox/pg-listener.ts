import type { EventLogger } from "@coffer/contracts";
import pg from "pg";

export type PgListener = { start(): Promise<void>; stop(): Promise<void> };

/**
 * LISTENs on a channel over a connection of its own, and comes back a second after losing it.
 * `onListening` runs each time the LISTEN is in place, the first time and after every reconnection,
 * for what was notified while nobody listened.
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

  async function listen(): Promise<void> {
    if (stopped) return;
    const client = new pg.Client({ connectionString: options.connectionString });
    client.on("notification", (message) => options.onNotification(message.payload));
    client.on("error", (err) => {
      logger.warn({ err }, `${name} LISTEN connection lost; reconnecting`);
      client.end().catch(() => undefined);
      if (listener === client) listener = undefined;
      setTimeout(() => void listen(), 1000);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${options.channel}`);
      listener = client;
      options.onListening?.();
    } catch (err) {
      await client.end().catch(() => undefined);
      logger.warn({ err }, `${name} LISTEN failed; retrying`);
      setTimeout(() => void listen(), 1000);
    }
  }

  return {
    start: () => listen(),
    async stop() {
      stopped = true;
      await listener?.end().catch(() => undefined);
    },
  };
}

import type { FastifyInstance, preHandlerAsyncHookHandler } from "fastify";
import type pg from "pg";
import { deliveriesRoutes } from "./deliveries/deliveries-routes.js";
import { inboxRoutes } from "./inbox/inbox-routes.js";
import type { LiveStream } from "./inbox/live-stream.js";
import type { StreamRevocations } from "./inbox/stream-revocations.js";
import { preferencesRoutes } from "./preferences/preferences-routes.js";

/** Every route of notification-service, with what they are given: app.ts's and the web app's API generator's one list. */
export type RouteOptions = {
  pool: pg.Pool;
  live: LiveStream;
  revocations: StreamRevocations;
  authenticate: preHandlerAsyncHookHandler;
  heartbeatMs: number;
};

export async function registerRoutes(app: FastifyInstance, options: RouteOptions): Promise<void> {
  const { pool, live, revocations, authenticate, heartbeatMs } = options;
  await app.register(inboxRoutes, { pool, live, revocations, authenticate, heartbeatMs });
  await app.register(preferencesRoutes, { pool, authenticate });
  await app.register(deliveriesRoutes, { pool, authenticate });
}

import type { PageRenderer } from "@coffer/contracts/http";
import type { FastifyInstance, preHandlerAsyncHookHandler } from "fastify";
import { accountPages } from "./accounts/account-pages.js";
import { accountRoutes } from "./accounts/account-routes.js";
import type { AccountDeps } from "./accounts/account-service.js";
import { customerRoutes } from "./accounts/customer-routes.js";
import { adminRoutes } from "./admin/admin-routes.js";
import type { AdminDeps } from "./admin/admin-service.js";
import { sessionRoutes } from "./sessions/session-routes.js";
import type { SessionDeps } from "./sessions/session-service.js";
import { jwksRoutes } from "./tokens/jwks-routes.js";
import type { SigningKeys } from "./tokens/signing-keys.js";

/**
 * Every route of customer-service, with what they are given: app.ts's and the web app's API generator's
 * one list. The cookie and rate-limit plugins are the app's (registered before these).
 */
export type RouteOptions = {
  deps: AccountDeps & SessionDeps & AdminDeps;
  authenticate: preHandlerAsyncHookHandler;
  keys: SigningKeys;
  pages: PageRenderer;
  publicBaseUrl: string;
};

export async function registerRoutes(app: FastifyInstance, options: RouteOptions): Promise<void> {
  const { deps, authenticate, keys, pages, publicBaseUrl } = options;
  await app.register(accountRoutes, { deps });
  await app.register(customerRoutes, { deps, authenticate });
  await app.register(sessionRoutes, { deps, authenticate });
  await app.register(jwksRoutes, { keys });
  await app.register(adminRoutes, { deps, authenticate });
  await app.register(accountPages, { deps, pages, publicBaseUrl });
}

// Generates src/lib/api/generated/<service>.ts, the types of each service's API, from its OpenAPI
// document. The documents come from the services' own route plugins registered on a bare Fastify
// (their dependencies are never called while routes are only registered), so no server is needed.
//   npm run generate -w web              write the files
//   npm run generate -w web -- --check   exit 1 when a committed file is stale (make lint)
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { registerHttpConventions, registerOpenApi } from "@coffer/contracts/http";
import cookie from "@fastify/cookie";
import multipart from "@fastify/multipart";
import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyInstance } from "fastify";
import openapiTS, { astToString } from "openapi-typescript";
import { format, resolveConfig } from "prettier";
import { accountPages } from "../../customer-service/src/accounts/account-pages.js";
import { accountRoutes } from "../../customer-service/src/accounts/account-routes.js";
import { customerRoutes } from "../../customer-service/src/accounts/customer-routes.js";
import { adminRoutes } from "../../customer-service/src/admin/admin-routes.js";
import { sessionRoutes } from "../../customer-service/src/sessions/session-routes.js";
import { jwksRoutes } from "../../customer-service/src/tokens/jwks-routes.js";
import { downloadRoutes } from "../../file-service/src/downloads/download-routes.js";
import { fileRoutes } from "../../file-service/src/files/file-routes.js";
import { folderRoutes } from "../../file-service/src/folders/folder-routes.js";
import { quotaRoutes } from "../../file-service/src/quotas/quota-routes.js";
import { publicShareRoutes, shareRoutes } from "../../file-service/src/shares/share-routes.js";
import { trashRoutes } from "../../file-service/src/trash/trash-routes.js";
import { resumableRoutes } from "../../file-service/src/uploads/resumable-routes.js";
import { uploadRoutes } from "../../file-service/src/uploads/upload-routes.js";
import { deliveriesRoutes } from "../../notification-service/src/deliveries/deliveries-routes.js";
import { inboxRoutes } from "../../notification-service/src/inbox/inbox-routes.js";
import { preferencesRoutes } from "../../notification-service/src/preferences/preferences-routes.js";

/** Options Fastify reads itself when a plugin passes its own on to a nested one. */
const FASTIFY_KEYS = new Set<string | symbol>(["prefix", "logLevel", "logSerializers", "then"]);

/** Stands for every dependency of a route plugin: any property or call gives itself back; as text, a URL. */
const unused: never = new Proxy(() => undefined, {
  get: (_target, key) => {
    if (key === Symbol.toPrimitive) return () => "http://unused.invalid";
    return FASTIFY_KEYS.has(key) || typeof key === "symbol" ? undefined : unused;
  },
  apply: () => unused,
}) as never;

/** Registers a route plugin with `unused` for options, out of Fastify's sight (it reads its own keys there). */
function routesOf(plugin: (app: FastifyInstance, options: never) => Promise<void>) {
  return async (app: FastifyInstance) => plugin(app, unused);
}

type Service = { name: string; register: (app: FastifyInstance) => Promise<void> };

const SERVICES: Service[] = [
  {
    name: "customer-service",
    register: async (app) => {
      await app.register(cookie);
      await app.register(rateLimit, { global: false });
      await app.register(routesOf(accountRoutes as never));
      await app.register(routesOf(customerRoutes as never));
      await app.register(routesOf(sessionRoutes as never));
      await app.register(routesOf(jwksRoutes as never));
      await app.register(routesOf(adminRoutes as never));
      await app.register(routesOf(accountPages as never));
    },
  },
  {
    name: "file-service",
    register: async (app) => {
      await app.register(cookie);
      await app.register(multipart);
      await app.register(routesOf(uploadRoutes as never));
      await app.register(routesOf(resumableRoutes as never));
      await app.register(routesOf(fileRoutes as never));
      await app.register(routesOf(downloadRoutes as never));
      await app.register(routesOf(folderRoutes as never));
      await app.register(routesOf(trashRoutes as never));
      await app.register(routesOf(quotaRoutes as never));
      await app.register(routesOf(shareRoutes as never));
      await app.register(routesOf(publicShareRoutes as never));
    },
  },
  {
    name: "notification-service",
    register: async (app) => {
      await app.register(routesOf(inboxRoutes as never));
      await app.register(routesOf(preferencesRoutes as never));
      await app.register(routesOf(deliveriesRoutes as never));
    },
  },
];

async function documentOf(service: Service): Promise<object> {
  const app = Fastify({ logger: false });
  registerHttpConventions(app);
  await registerOpenApi(app, { title: service.name, version: "generated", description: service.name });
  await service.register(app);
  await app.ready();
  // Never closed: its close hooks would call the stand-ins, and an app that never listened holds nothing.
  const document = app.swagger() as { paths?: Record<string, unknown> };
  // Sorted, so the generated types do not change with the order app.ts registers its routes in.
  const paths = Object.fromEntries(Object.entries(document.paths ?? {}).sort(([a], [b]) => a.localeCompare(b)));
  return { ...document, paths };
}

const outputOf = (name: string) => fileURLToPath(new URL(`../src/lib/api/generated/${name}.ts`, import.meta.url));

async function generate(service: Service, file: string): Promise<string> {
  const types = astToString(await openapiTS(JSON.parse(JSON.stringify(await documentOf(service)))));
  const text = `// Generated from ${service.name}'s OpenAPI document by \`npm run generate -w web\`. Do not edit.\n\n${types}`;
  return format(text, { ...(await resolveConfig(file)), filepath: file });
}

const check = process.argv.includes("--check");
let stale = 0;
for (const service of SERVICES) {
  const file = outputOf(service.name);
  const text = await generate(service, file);
  if (!check) writeFileSync(file, text);
  else if (readFileSync(file, { encoding: "utf8", flag: "a+" }) !== text) {
    console.error(`${file} is stale: run npm run generate -w web`);
    stale++;
  }
}
process.exitCode = stale > 0 ? 1 : 0;

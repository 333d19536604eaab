// Generates src/lib/api/generated/<service>.ts, the types of each service's API, from its OpenAPI
// document. The documents come from each service's `registerRoutes` (src/routes.ts, as its app.ts
// calls it) on a bare Fastify: dependencies are never called while routes are only registered, so
// stand-ins do and no server is needed.
//   npm run generate -w web              write the files
//   npm run generate -w web -- --check   exit 1 when a committed file is stale (make lint)
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { registerHttpConventions, registerOpenApi } from "@coffer/contracts/http";
import Fastify, { type FastifyInstance } from "fastify";
import openapiTS, { astToString } from "openapi-typescript";
import { format, resolveConfig } from "prettier";
import { registerRoutes as customerServiceRoutes } from "../../customer-service/src/routes.js";
import { registerRoutes as fileServiceRoutes } from "../../file-service/src/routes.js";
import { registerRoutes as notificationServiceRoutes } from "../../notification-service/src/routes.js";

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

type Service = { name: string; register: (app: FastifyInstance, options: never) => Promise<void> };

/** Each service's own list of its routes, the one its app.ts registers. */
const SERVICES: Service[] = [
  { name: "customer-service", register: customerServiceRoutes },
  { name: "file-service", register: fileServiceRoutes },
  { name: "notification-service", register: notificationServiceRoutes },
];

async function documentOf(service: Service): Promise<object> {
  const app = Fastify({ logger: false });
  registerHttpConventions(app);
  await registerOpenApi(app, { title: service.name, version: "generated", description: service.name });
  await service.register(app, unused);
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

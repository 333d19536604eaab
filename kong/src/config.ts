import { parseEnv } from "@coffer/contracts/config";
import Type from "typebox";
import type { Target } from "./kong-config.js";
import type { Address } from "./proxy.js";

export { ConfigError } from "@coffer/contracts/config";

const EnvSchema = Type.Object({
  KONG_DECLARATIVE_CONFIG: Type.String({ minLength: 1 }),
  GATEWAY_HOST: Type.String({ default: "127.0.0.1" }),
  GATEWAY_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8000 }),
  /** `name=host:port,…`: where kong.yml's service and target host names point (compose's DNS gives them there). */
  UPSTREAM_HOSTS: Type.String({ default: "", pattern: "^([^=,\\s]+=[^:,\\s]+:\\d+(,[^=,\\s]+=[^:,\\s]+:\\d+)*)?$" }),
  LOG_LEVEL: Type.Enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { default: "info" }),
});

export type Config = Readonly<{
  kongFile: string;
  host: string;
  port: number;
  logLevel: string;
  resolve: (target: Target) => Address;
}>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e = parseEnv(EnvSchema, env);
  const hosts = new Map(
    e.UPSTREAM_HOSTS.split(",")
      .filter(Boolean)
      .map((entry) => {
        const [name, address] = entry.split("=") as [string, string];
        const at = address.lastIndexOf(":");
        return [name, { host: address.slice(0, at), port: Number(address.slice(at + 1)) }] as const;
      }),
  );
  return Object.freeze({
    kongFile: e.KONG_DECLARATIVE_CONFIG,
    host: e.GATEWAY_HOST,
    port: e.GATEWAY_PORT,
    logLevel: e.LOG_LEVEL,
    resolve: (target: Target) => hosts.get(target.host) ?? { host: target.host, port: target.port },
  });
}

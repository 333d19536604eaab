import { homedir, hostname, userInfo } from "node:os";
import { join } from "node:path";
import { parseEnv } from "@coffer/contracts/config";
import Type from "typebox";

const EnvSchema = Type.Object({
  KAFKA_BROKERS: Type.String({ pattern: "^[^,\\s]+(,[^,\\s]+)*$" }),
  SCHEMA_REGISTRY_URL: Type.String({ pattern: "^https?://" }),
  XDG_STATE_HOME: Type.Optional(Type.String({ minLength: 1 })),
});

export type Config = Readonly<{
  brokers: readonly string[];
  registryUrl: string;
  /** Where resumable replays keep their checkpoints. */
  stateDir: string;
  operator: string;
  host: string;
}>;

/** Options that override the environment. */
export type ConfigOverrides = { brokers?: string; registry?: string; operator?: string };

/** The CLI's configuration; throws a ConfigError naming every missing or malformed key. */
export function loadConfig(overrides: ConfigOverrides, env: Record<string, string | undefined> = process.env): Config {
  const e = parseEnv(EnvSchema, {
    ...env,
    ...(overrides.brokers !== undefined && { KAFKA_BROKERS: overrides.brokers }),
    ...(overrides.registry !== undefined && { SCHEMA_REGISTRY_URL: overrides.registry }),
  });
  return Object.freeze({
    brokers: e.KAFKA_BROKERS.split(","),
    registryUrl: e.SCHEMA_REGISTRY_URL.replace(/\/+$/, ""),
    stateDir: join(e.XDG_STATE_HOME ?? join(homedir(), ".local", "state"), "coffer-ops"),
    operator: overrides.operator ?? userInfo().username,
    host: hostname(),
  });
}

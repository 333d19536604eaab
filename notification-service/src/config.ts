import Type, { type Static } from "typebox";
import Value from "typebox/value";

const EnvSchema = Type.Object({
  HOST: Type.String({ default: "127.0.0.1" }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3003 }),
  LOG_LEVEL: Type.Enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { default: "info" }),
  DATABASE_URL: Type.String({ pattern: "^postgres(ql)?://" }),
  SMTP_URL: Type.String({ pattern: "^smtps?://" }),
  KAFKA_BROKERS: Type.String({ pattern: "^[^,\\s]+(,[^,\\s]+)*$" }),
  SCHEMA_REGISTRY_URL: Type.String({ pattern: "^https?://" }),
});

export type Config = Readonly<{
  host: string;
  port: number;
  logLevel: Static<typeof EnvSchema>["LOG_LEVEL"];
  databaseUrl: string;
  smtpUrl: string;
  kafkaBrokers: readonly string[];
  schemaRegistryUrl: string;
}>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads the service's configuration once; throws a ConfigError naming every missing or malformed key. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(EnvSchema.properties).flatMap((k) => (env[k] === undefined ? [] : [[k, env[k]]])),
  );
  const value = Value.Default(EnvSchema, Value.Convert(EnvSchema, known));
  const problems = Value.Errors(EnvSchema, value).flatMap((e) =>
    e.keyword === "required"
      ? (e.params as { requiredProperties: string[] }).requiredProperties.map((k) => `${k}: is required`)
      : [`${e.instancePath.slice(1)}: ${e.message}`],
  );
  if (problems.length > 0) throw new ConfigError(problems);
  const e = value as Static<typeof EnvSchema>;
  return Object.freeze({
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    smtpUrl: e.SMTP_URL,
    kafkaBrokers: Object.freeze(e.KAFKA_BROKERS.split(",")),
    schemaRegistryUrl: e.SCHEMA_REGISTRY_URL.replace(/\/+$/, ""),
  });
}

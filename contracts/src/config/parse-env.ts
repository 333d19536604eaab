import { isIP } from "node:net";
import Type, { type Static, type TObject } from "typebox";
import Value from "typebox/value";

/** A configuration that cannot run: every missing or malformed key, so one fix round is enough. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Reads the schema's keys from the environment: converts (numbers, booleans), applies defaults
 * and validates. Throws a ConfigError naming every bad key; `extraProblems` adds the checks a
 * schema cannot express.
 */
export function parseEnv<S extends TObject>(
  schema: S,
  env: Record<string, string | undefined>,
  extraProblems: (value: Static<S>) => string[] = () => [],
): Static<S> {
  const known = Object.fromEntries(
    Object.keys(schema.properties).flatMap((key) => (env[key] === undefined ? [] : [[key, env[key]]])),
  );
  const value = Value.Default(schema, Value.Convert(schema, known));
  const problems = Value.Errors(schema, value).flatMap((e) =>
    e.keyword === "required"
      ? (e.params as { requiredProperties: string[] }).requiredProperties.map((k) => `${k}: is required`)
      : [`${e.instancePath.slice(1)}: ${e.message}`],
  );
  if (problems.length === 0) problems.push(...extraProblems(value as Static<S>));
  if (problems.length > 0) throw new ConfigError(problems);
  return value as Static<S>;
}

/**
 * TRUSTED_PROXIES: the hop in front of a service (the gateway), as addresses or CIDR ranges,
 * comma-separated. A client's address is the right-most one in X-Forwarded-For that these did not
 * add, so what a client writes there itself is never taken. The default is `make dev`'s gateway,
 * which reaches the services from 127.0.0.1; empty trusts no one.
 */
export const TrustedProxies = Type.String({ default: "127.0.0.1" });

/** TRUSTED_PROXIES as a list; throws a ConfigError naming each entry that is not an address or range. */
export function parseTrustedProxies(value: string): readonly string[] {
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const wrong = entries.filter((entry) => {
    const [address = "", bits, ...rest] = entry.split("/");
    const family = isIP(address);
    if (family === 0 || rest.length > 0) return true;
    return bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  });
  if (wrong.length > 0)
    throw new ConfigError(wrong.map((entry) => `TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`));
  return Object.freeze(entries);
}

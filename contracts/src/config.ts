import type { Static, TObject } from "typebox";
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

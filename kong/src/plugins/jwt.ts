import { compactVerify, importSPKI, type CryptoKey } from "jose";
import type { JwtCredential, PluginConfigs } from "../kong-config.js";
import type { Exchange, Exit, PluginHandler } from "./plugin.js";

type Claims = Record<string, unknown>;
type Failure = { message?: string; errors?: Record<string, string>; invalidToken: boolean };

const CONSUMER_HEADERS = [
  "x-consumer-id",
  "x-consumer-custom-id",
  "x-consumer-username",
  "x-credential-identifier",
  "x-anonymous-consumer",
];

/** Imports every credential's public key once, at start: a key that does not parse stops the gateway. */
export async function importJwtKeys(credentials: ReadonlyMap<string, JwtCredential>): Promise<Map<string, CryptoKey>> {
  const keys = new Map<string, CryptoKey>();
  for (const credential of credentials.values()) {
    try {
      keys.set(credential.key, await importSPKI(credential.publicKeyPem, credential.algorithm));
    } catch {
      throw new Error(
        `jwt_secrets "${credential.key}": rsa_public_key is not a ${credential.algorithm} public key in PEM ` +
          `(serve kong.yml as rendered by kong/render-config.mjs)`,
      );
    }
  }
  return keys;
}

/**
 * Kong's jwt plugin (3.x), message for message: the token from the query, cookies or
 * `Authorization: Bearer`, the credential named by one claim, the signature, the registered
 * claims, then the consumer's headers upstream.
 */
export function createJwt(
  config: PluginConfigs["jwt"],
  credentials: ReadonlyMap<string, JwtCredential>,
  keys: ReadonlyMap<string, CryptoKey>,
): PluginHandler {
  const claim = config.key_claim_name;

  async function authenticate(exchange: Exchange): Promise<Failure | JwtCredential> {
    const tokens = retrieveTokens(exchange, config);
    if (tokens.length === 0) return { message: "Unauthorized", invalidToken: false };
    if (tokens.length > 1) return { message: "Multiple tokens provided", invalidToken: true };
    const token = tokens[0]!;

    const decoded = decode(token);
    if (typeof decoded === "string") return { message: `Bad token; ${decoded}`, invalidToken: true };
    const { header, claims } = decoded;

    const key = claims[claim] ?? header[claim];
    if (key === undefined || key === null) return { message: `No mandatory '${claim}' in claims`, invalidToken: true };
    if (key === "" || typeof key !== "string") return { message: `Invalid '${claim}' in claims`, invalidToken: true };
    const credential = credentials.get(key);
    if (!credential) return { message: `No credentials found for given '${claim}'`, invalidToken: true };
    if (header.alg !== credential.algorithm) return { message: "Invalid algorithm", invalidToken: true };
    try {
      await compactVerify(token, keys.get(credential.key)!, { algorithms: [credential.algorithm] });
    } catch {
      return { message: "Invalid signature", invalidToken: true };
    }

    const errors = claimErrors(claims, config);
    if (errors) return { errors, invalidToken: true };
    return credential;
  }

  return {
    priority: 1450,
    async access(exchange): Promise<Exit | undefined> {
      if (!config.run_on_preflight && exchange.method === "OPTIONS") return undefined;
      const result = await authenticate(exchange);
      if ("consumer" in result) {
        for (const name of CONSUMER_HEADERS) delete exchange.upstreamHeaders[name];
        exchange.upstreamHeaders["x-consumer-id"] = result.consumer.id;
        exchange.upstreamHeaders["x-consumer-username"] = result.consumer.username;
        if (result.consumer.customId) exchange.upstreamHeaders["x-consumer-custom-id"] = result.consumer.customId;
        exchange.upstreamHeaders["x-credential-identifier"] = result.key;
        exchange.credential = result;
        return undefined;
      }
      return {
        status: 401,
        body: result.errors ?? { message: result.message },
        headers: { "WWW-Authenticate": result.invalidToken ? 'Bearer error="invalid_token"' : "Bearer" },
      };
    },
  };
}

function retrieveTokens(exchange: Exchange, config: PluginConfigs["jwt"]): string[] {
  const found = new Set<string>();
  for (const name of config.uri_param_names) for (const v of exchange.query.getAll(name)) if (v) found.add(v);
  const cookies = parseCookies(exchange.request.headers.cookie);
  for (const name of config.cookie_names) if (cookies.get(name)) found.add(cookies.get(name)!);
  for (const name of config.header_names) {
    const value = exchange.request.headers[name.toLowerCase()];
    const first = Array.isArray(value) ? value[0] : value;
    const match = first === undefined ? null : /^\s*[Bb]earer\s+(.+)/.exec(first);
    if (match?.[1]) found.add(match[1]);
  }
  return [...found];
}

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const pair of header?.split(";") ?? []) {
    const at = pair.indexOf("=");
    if (at > 0) cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return cookies;
}

const SUPPORTED_ALGORITHMS = new Set(["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384"]);

/** Kong's jwt_parser: the reasons after "Bad token; ". */
function decode(token: string): { header: Claims; claims: Claims } | string {
  const parts = token.split(".");
  if (parts.length !== 3) return "invalid JWT";
  const json = (part: string): Claims | undefined => {
    try {
      const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
      return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Claims) : undefined;
    } catch {
      return undefined;
    }
  };
  const header = json(parts[0]!);
  const claims = json(parts[1]!);
  if (!header || !claims) return "invalid JSON";
  if (typeof header.typ === "string" && header.typ.toUpperCase() !== "JWT") return "invalid typ";
  if (typeof header.alg !== "string" || !SUPPORTED_ALGORITHMS.has(header.alg)) return "invalid alg";
  return { header, claims };
}

function claimErrors(claims: Claims, config: PluginConfigs["jwt"]): Record<string, string> | undefined {
  const now = Math.floor(Date.now() / 1000);
  const errors: Record<string, string> = {};
  for (const name of config.claims_to_verify) {
    const value = claims[name];
    if (typeof value !== "number") errors[name] = "must be a number";
    else if (name === "exp" && value <= now) errors[name] = "token expired";
    else if (name === "nbf" && value > now) errors[name] = "token not valid yet";
  }
  if (Object.keys(errors).length === 0 && config.maximum_expiration > 0) {
    const exp = claims.exp;
    if (typeof exp !== "number") errors.exp = "must be a number";
    else if (exp - now > config.maximum_expiration) errors.exp = "exceeds maximum allowed expiration";
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

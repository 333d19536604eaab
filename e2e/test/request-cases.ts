/**
 * What the edge answers, request by request: the same table runs against the development gateway
 * (`make test`) and against a real Kong (`GATEWAY_URL=http://localhost:8000 npx vitest run
 * --project e2e e2e/test/request-table.test.ts`, with JWT_KEYS_DIR pointing at compose's key
 * volume). Expected bodies are Kong 3's, message for message.
 */

/** Which token a request carries: a real one from login, or one made to fail a particular check. */
export type TokenKind = "valid" | "expired" | "forged-signature" | "unknown-key" | "none";

export type RequestCase = {
  name: string;
  method?: string;
  path: string;
  token?: TokenKind;
  /** Token in the query string instead of the header. */
  tokenInQuery?: boolean;
  headers?: Record<string, string>;
  json?: unknown;
  bodyBytes?: number;
  expect: {
    status: number;
    /** Compared with toMatchObject when an object, strictly when a string. */
    body?: unknown;
    /** A header's exact value, a pattern, or null for absent. */
    headers?: Record<string, string | RegExp | null>;
  };
};

const UNAUTHORIZED = { message: "Unauthorized" };
/** A share token no share has. */
const NO_SHARE = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const ALLOWED_ORIGIN = "http://localhost:5173";

export const REQUEST_CASES: RequestCase[] = [
  // Public routes reach their service without a token.
  {
    name: "the JWKS is public",
    path: "/.well-known/jwks.json",
    expect: { status: 200, body: { keys: [{ kty: "RSA", alg: "RS256" }] } },
  },
  {
    name: "health, per service, with the route's prefix stripped",
    path: "/health/file-service/live",
    expect: { status: 200, body: { status: "ok" } },
  },
  {
    name: "a share link needs no token (an unknown one is the service's 404)",
    path: `/s/${NO_SHARE}`,
    expect: { status: 404, body: { code: "SHARE_NOT_FOUND" } },
  },
  {
    name: "registration validates at the service, through the gateway",
    method: "POST",
    path: "/auth/register",
    json: { email: "not-an-address" },
    expect: { status: 400, body: { code: "VALIDATION_FAILED" } },
  },

  // Protected routes: Kong's jwt plugin, message for message.
  {
    name: "no token",
    path: "/files",
    expect: { status: 401, body: UNAUTHORIZED, headers: { "www-authenticate": "Bearer" } },
  },
  {
    name: "a token signed by another key",
    path: "/folders/root",
    token: "forged-signature",
    expect: {
      status: 401,
      body: { message: "Invalid signature" },
      headers: { "www-authenticate": 'Bearer error="invalid_token"' },
    },
  },
  {
    name: "an expired token",
    path: "/notifications",
    token: "expired",
    expect: { status: 401, body: { exp: "token expired" } },
  },
  {
    name: "a token of a key Kong has no credential for (its kid)",
    path: "/customers/me",
    token: "unknown-key",
    expect: { status: 401, body: { message: "No credentials found for given 'kid'" } },
  },
  {
    name: "a token in the URL is not looked at (uri_param_names is empty)",
    path: "/files",
    token: "valid",
    tokenInQuery: true,
    expect: { status: 401, body: UNAUTHORIZED },
  },
  {
    name: "a valid token reaches file-service",
    path: "/files",
    token: "valid",
    expect: { status: 200, body: { files: [] } },
  },
  {
    name: "a valid token reaches customer-service",
    path: "/customers/me",
    token: "valid",
    expect: { status: 200, body: { emailVerified: true } },
  },
  {
    name: "a valid token reaches notification-service",
    path: "/notifications",
    token: "valid",
    expect: { status: 200 },
  },
  {
    name: "an admin route is protected at the gateway, and the service checks the role",
    path: "/admin/customers",
    token: "valid",
    expect: { status: 403, body: { code: "FORBIDDEN" } },
  },
  {
    name: "file-service's admin route is matched by its regex path before customer-service's prefix",
    method: "PUT",
    path: "/admin/customers/6b0f7a7e-1d2c-4f4e-9a53-0c9a6f1e2d3b/quota",
    token: "valid",
    json: { quotaBytes: 1 },
    expect: { status: 403, body: { code: "FORBIDDEN" } },
  },

  // Routing.
  {
    name: "no route",
    path: "/nowhere",
    expect: { status: 404, body: { message: "no Route matched with those values" } },
  },
  {
    name: "a route's methods: the JWKS only answers GET and HEAD",
    method: "DELETE",
    path: "/.well-known/jwks.json",
    expect: { status: 404, body: { message: "no Route matched with those values" } },
  },

  // Paths: matched as Kong normalizes them; what nginx cannot normalize is refused before any route.
  {
    name: "an encoded slash is not a separator: a share link, not the unlock route",
    method: "POST",
    path: `/s/${NO_SHARE}%2Funlock`,
    json: { password: "guess" },
    expect: { status: 404, headers: { "x-ratelimit-limit-minute": "600" } },
  },
  {
    name: "a path climbing above the root",
    path: "/files/../../files",
    expect: { status: 400, body: { message: "Bad request" } },
  },
  {
    name: "a malformed percent-encoding",
    path: "/files/%zz",
    expect: { status: 400, body: { message: "Bad request" } },
  },
  {
    name: "an encoded NUL",
    path: "/files%00",
    expect: { status: 400, body: { message: "Bad request" } },
  },

  // Sizes: JSON bodies are small; whole files go to the upload routes.
  {
    name: "a JSON body over 1 MiB",
    method: "POST",
    path: "/auth/login",
    headers: { "content-type": "application/json" },
    bodyBytes: 2 * 2 ** 20,
    expect: { status: 413, body: { message: "Request size limit exceeded" } },
  },

  // CORS: preflights are answered at the edge; other answers carry the headers.
  {
    name: "a preflight from an allowed origin",
    method: "OPTIONS",
    path: "/files",
    headers: {
      origin: ALLOWED_ORIGIN,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization",
    },
    expect: {
      status: 200,
      headers: {
        "access-control-allow-origin": ALLOWED_ORIGIN,
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": /POST/,
        "access-control-allow-headers": /Authorization/,
      },
    },
  },
  {
    name: "a preflight from another origin gets no permission",
    method: "OPTIONS",
    path: "/files",
    headers: { origin: "https://evil.example", "access-control-request-method": "GET" },
    expect: { status: 200, headers: { "access-control-allow-origin": null } },
  },
  {
    name: "an answer to an allowed origin exposes the headers a client needs (and a 401 is readable too)",
    path: "/files",
    headers: { origin: ALLOWED_ORIGIN },
    expect: {
      status: 401,
      headers: { "access-control-allow-origin": ALLOWED_ORIGIN, "access-control-expose-headers": /X-Correlation-ID/ },
    },
  },

  // The correlation id: kept when sent, made when not, always echoed.
  {
    name: "a correlation id sent is the one echoed and used upstream",
    path: "/health/customer-service/live",
    headers: { "x-correlation-id": "table-correlation-1" },
    expect: { status: 200, headers: { "x-correlation-id": "table-correlation-1" } },
  },
  {
    name: "a correlation id is made when none is sent",
    path: "/.well-known/jwks.json",
    expect: {
      status: 200,
      headers: { "x-correlation-id": /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/ },
    },
  },
  {
    name: "the default rate limit is announced on every answer",
    path: "/.well-known/jwks.json",
    expect: {
      status: 200,
      headers: { "ratelimit-limit": /^\d+$/, "x-ratelimit-limit-minute": "600", "x-ratelimit-limit-hour": "20000" },
    },
  },
];

const someone = () => `nobody-${Math.random().toString(36).slice(2)}@example.com`;

/**
 * Routes with a stricter limit than the default, and a request that spends it (a new address each
 * time, so the gateway's limit is what answers, not customer-service's own per-account lock).
 */
export const RATE_LIMIT_CASES = [
  {
    name: "login",
    perMinute: 10,
    method: "POST",
    path: "/auth/login",
    json: () => ({ email: someone(), password: "not the password" }),
  },
  {
    name: "password reset",
    perMinute: 5,
    method: "POST",
    path: "/auth/password/forgot",
    json: () => ({ email: someone() }),
  },
  {
    name: "forgot-password page's form",
    perMinute: 5,
    method: "POST",
    path: "/forgot-password",
    json: () => ({ email: someone() }),
  },
  {
    name: "reset-password page's form",
    perMinute: 5,
    method: "POST",
    path: "/reset-password",
    json: () => ({
      token: "made-up-token-made-up",
      newPassword: "a guess a guess",
      confirmPassword: "a guess a guess",
    }),
  },
  // Every spelling of the unlock path that file-service would route to the unlock handler.
  ...[
    `/s/${NO_SHARE}/unlock`,
    `/s/${NO_SHARE}/%75nlock`,
    `/%73/${NO_SHARE}/unlock`,
    `//s/${NO_SHARE}//unlock`,
    `/s/${NO_SHARE}/./unlock`,
    `/files/../s/${NO_SHARE}/unlock`,
    `/s/${NO_SHARE}/x/%2e%2E/unlock`,
  ].map((path) => ({
    name: `share unlock as ${path.replace(NO_SHARE, "<t>")}`,
    perMinute: 5,
    method: "POST",
    path,
    json: () => ({ password: "guess" }),
  })),
];

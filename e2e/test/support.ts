import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { mailsTo, waitForMail } from "@coffer/contracts/testing";
import pg from "pg";
import { expect, vi } from "vitest";

export { mailsTo, waitForMail, type Mail } from "@coffer/contracts/testing";

export type Answer = {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json<T = Record<string, unknown>>(): T;
};

/**
 * A client of the gateway that speaks from a chosen loopback address (per-address rate limits
 * stay per test) and sends the same correlation id with every request, when given one.
 */
export function createClient(base: string, options: { correlationId?: string; localAddress?: string } = {}) {
  const local = new URL(base).hostname === "127.0.0.1" ? options.localAddress : undefined;
  return function send(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string | Buffer; json?: unknown; token?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...init.headers };
    if (options.correlationId) headers["x-correlation-id"] = options.correlationId;
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body = init.body;
    if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
    }
    // Node frames a DELETE's body only when told its length.
    if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
    return new Promise((resolve, reject) => {
      // `path` goes as given: the URL alone would resolve its dot segments before sending.
      const options = { method, path, headers, ...(local && { localAddress: local }) };
      const req = httpRequest(`${base}${path}`, options, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const data = Buffer.concat(chunks);
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body: data,
            json: <T>() => JSON.parse(data.toString("utf8")) as T,
          });
        });
      });
      req.on("error", reject);
      req.end(body);
    });
  };
}

export type Client = ReturnType<typeof createClient>;

/** A loopback address of the test's own: 127.0.0.x is all this machine. */
export const someLoopbackAddress = () =>
  `127.0.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

/**
 * Verifies a registered address through the API with the token of its mail (the verification page
 * has its own browser tests): for the set-up of tests about something else.
 */
export async function verifyByMail(send: Client, email: string, password: string): Promise<void> {
  const verification = await waitForMail(email, /Verify your e-mail address/);
  const token = new URL(/https?:\/\/\S+\/verify-email\?token=\S+/.exec(verification.text)![0]).searchParams.get(
    "token",
  )!;
  expect((await send("POST", "/auth/verify-email", { json: { token, password } })).status).toBe(204);
}

/**
 * Waits for a mail to the address whose subject matches and that carries a link to `origin` +
 * `path` (not one of `except`), and returns that link as a person would click it. Only links to
 * `origin`: other platforms reading the same Kafka (other test runs) mail their own links too.
 */
export function waitForLink(
  address: string,
  subject: RegExp,
  options: { origin: string; path: string; except?: string[] },
  timeout = 30_000,
): Promise<string> {
  const pattern = new RegExp(`https?://\\S+${options.path}\\?token=\\S+`, "g");
  return vi.waitFor(
    async () => {
      const links = (await mailsTo(address))
        .filter((m) => subject.test(m.subject))
        .flatMap((m) => [...m.text.matchAll(pattern)].map(([link]) => link));
      const link = links.find((l) => new URL(l).origin === options.origin && !options.except?.includes(l));
      if (!link) throw new Error(`no mail "${subject}" to ${address} with a new ${options.path} link yet`);
      return link;
    },
    { timeout, interval: 200 },
  );
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  "#x27": "'",
  "#x3D": "=",
  "#x60": "`",
};

/**
 * What a browser without JavaScript does with a mailed link's page: opens it, then posts its form
 * (the hidden fields, plus `fields`) back from the page's origin. Returns the form's answer.
 */
export async function submitPageForm(send: Client, link: string, fields: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(link);
  const page = await send("GET", `${url.pathname}${url.search}`, { headers: { accept: "text/html" } });
  const form = /<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(page.body.toString("utf8"));
  if (!form) throw new Error(`no form on ${url.pathname} (${page.status})`);
  const hidden = [...form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(
    ([, name, value]): [string, string] => [
      name!,
      value!.replace(/&(#?\w+);/g, (entity, name: string) => ENTITIES[name] ?? entity),
    ],
  );
  return send("POST", form[1]!, {
    headers: { "content-type": "application/x-www-form-urlencoded", origin: url.origin, accept: "text/html" },
    body: new URLSearchParams([...hidden, ...Object.entries(fields)]).toString(),
  });
}

/** Runs one statement against a database of the platform (what a test sets up from the outside); the rows it touched. */
export async function queryDatabase(connectionString: string, sql: string, values: unknown[]): Promise<number> {
  const db = new pg.Client({ connectionString });
  await db.connect();
  try {
    return (await db.query(sql, values)).rowCount ?? 0;
  } finally {
    await db.end();
  }
}

/** Gives a customer of file-service a larger quota, once its account exists there (registration is an event). */
export async function raiseQuota(fileDatabaseUrl: string, customerId: string, quotaBytes: number): Promise<void> {
  await vi.waitFor(
    async () =>
      expect(
        await queryDatabase(fileDatabaseUrl, "UPDATE customers SET quota_bytes = $2 WHERE id = $1", [
          customerId,
          quotaBytes,
        ]),
      ).toBe(1),
    { timeout: 20_000, interval: 200 },
  );
}

import { randomBytes, randomUUID } from "node:crypto";
import { once } from "node:events";
import { request, type IncomingMessage } from "node:http";
import { connect, createServer, type Server, type Socket } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp } from "../src/app.js";
import type { Config } from "../src/config.js";
import { createTestDatabase, createTokenIssuer } from "@coffer/contracts/testing";
import { minioOf, testConfig } from "./support.js";

/**
 * A TCP relay in front of the real MinIO that notes, per connection, the requests file-service
 * sends and whether the connection is still open: what the service fetches, and what it holds.
 */
async function createMinioWatch(target: URL) {
  const connections: { requests: string[]; open: boolean }[] = [];
  const server: Server = createServer((client: Socket) => {
    const seen = { requests: [] as string[], open: true };
    connections.push(seen);
    const upstream = connect(Number(target.port), target.hostname);
    client.on("data", (chunk: Buffer) => {
      for (const match of chunk.toString("latin1").matchAll(/(?:^|\r\n)(GET|PUT|POST|HEAD|DELETE) (\S+) HTTP\/1\.1/g))
        seen.requests.push(`${match[1]} ${decodeURIComponent(match[2]!)}`);
    });
    client.pipe(upstream).pipe(client);
    const end = () => {
      seen.open = false;
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    /** Connections that carried a GET of an object under the prefix, with the keys they fetched. */
    fetchesUnder: (prefix: string) =>
      connections
        .map((c) => ({ open: c.open, keys: c.requests.filter((r) => r.startsWith(`GET /${prefix}`)) }))
        .filter((c) => c.keys.length > 0),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let issuer: Awaited<ReturnType<typeof createTokenIssuer>>;
let watch: Awaited<ReturnType<typeof createMinioWatch>>;
let config: Config;
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  db = await createTestDatabase();
  issuer = await createTokenIssuer();
  watch = await createMinioWatch(new URL(process.env.MINIO_ENDPOINT!));
  config = testConfig({ DATABASE_URL: db.url, JWKS_URL: issuer.jwksUrl, MINIO_ENDPOINT: watch.endpoint });
  app = await buildApp(config);
  base = await app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await app?.close();
  await minioOf({ ...config, minio: { ...config.minio, port: Number(new URL(process.env.MINIO_ENDPOINT!).port) } })
    .removeBucket()
    .catch(() => undefined);
  await watch?.close();
  await issuer?.close();
  await db?.drop();
});

describe("folder archives", () => {
  it("when the client aborts a folder download mid-stream, then the MinIO stream it was reading is closed and no further object is fetched", async () => {
    const customerId = randomUUID();
    const auth = { authorization: `Bearer ${await issuer.token(customerId)}` };
    const folder = (
      await app.inject({ method: "POST", url: "/folders", headers: auth, payload: { name: "Big" } })
    ).json();
    const FILES = 4;
    for (let i = 0; i < FILES; i += 1) {
      const form = new FormData();
      form.append("file", new Blob([randomBytes(4 * 2 ** 20)]), `part-${i}.bin`);
      const uploaded = await fetch(`${base}/files?folderId=${folder.id}`, {
        method: "POST",
        headers: auth,
        body: form,
      });
      expect(uploaded.status).toBe(201);
    }

    // A client that reads the first bytes of the zip, then goes away.
    const aborted = request(`${base}/folders/${folder.id}/archive`, { headers: auth });
    aborted.end();
    const [response] = (await once(aborted, "response")) as [IncomingMessage];
    expect(response.statusCode).toBe(200);
    await once(response, "data");
    const inFlight = watch.fetchesUnder(`${config.minio.bucket}/${customerId}/`);
    expect(inFlight.length).toBeGreaterThan(0);
    aborted.destroy();

    // The connection that was streaming the object closes: its stream was destroyed, not left paused.
    await vi.waitFor(
      () => expect(watch.fetchesUnder(`${config.minio.bucket}/${customerId}/`).at(-1)?.open).toBe(false),
      {
        timeout: 15_000,
        interval: 50,
      },
    );
    const fetched = () => watch.fetchesUnder(`${config.minio.bucket}/${customerId}/`).flatMap((c) => c.keys);
    const fetchedByAborted = fetched().length;
    expect(fetchedByAborted).toBeLessThan(FILES);

    // The service is free: a whole archive of the same folder still downloads, fetching each object
    // once; by then a loop still running for the aborted download would have fetched its next object.
    const whole = await fetch(`${base}/folders/${folder.id}/archive`, { headers: auth });
    expect((await whole.arrayBuffer()).byteLength).toBeGreaterThan(FILES * 4 * 2 ** 20);
    expect(fetched()).toHaveLength(fetchedByAborted + FILES);
  });
});

import { randomBytes, randomUUID } from "node:crypto";
import { connect } from "node:net";
import * as Minio from "minio";
import mongoose from "mongoose";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type Answer } from "../e2e/test/support.js";
import { createCustomer, platform, type Customer } from "./support.js";

const { serviceUrls, gatewayUrl, fileDatabaseUrl, mongoUrl, bucket } = platform();
const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Sends bytes as they are and reads the status line: Node's HTTP client would refuse to send
 * some of them, and a server refusing oversized headers closes while they are still arriving.
 */
function sendRaw(base: string, head: string, body: Buffer = Buffer.alloc(0)): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1");
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (status) {
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on("error", (error) => (answer ? undefined : reject(error)));
    socket.on("close", () => reject(new Error(`closed without an answer: ${answer.slice(0, 200)}`)));
    socket.write(Buffer.concat([Buffer.from(head, "latin1"), body]), () => undefined);
  });
}

const expectRefusal = (answer: Answer, status: number, code: string) => {
  expect({ status: answer.status, code: answer.json().code }, answer.body.toString()).toEqual({ status, code });
  expect(answer.json<{ message: string }>().message).toBeTruthy();
};

let customer: Customer;
let pool: pg.Pool;
let minio: Minio.Client;
const files = createClient(serviceUrls.file);
const auth = () => ({ authorization: `Bearer ${customer.accessToken}` });

/** Everything file-service keeps for the customer: rows, bytes used and reserved, objects. */
async function storedState(customerId: string) {
  const { rows } = await pool.query(
    `SELECT (SELECT count(*) FROM folders WHERE customer_id = $1)::int AS folders,
            (SELECT count(*) FROM files WHERE customer_id = $1)::int AS files,
            (SELECT count(*) FROM file_versions v JOIN files f ON f.id = v.file_id WHERE f.customer_id = $1)::int AS versions,
            (SELECT count(*) FROM resumable_uploads WHERE customer_id = $1)::int AS uploads,
            (SELECT count(*) FROM shares WHERE customer_id = $1)::int AS shares,
            (SELECT used_bytes::text || ' used, ' || reserved_bytes::text || ' reserved' FROM customers WHERE id = $1) AS bytes`,
    [customerId],
  );
  const objects: string[] = [];
  for await (const item of minio.listObjectsV2(bucket, `${customerId}/`, true)) if (item.name) objects.push(item.name);
  return { ...rows[0], objects };
}

function multipart(parts: string[], boundary = `fuzz${randomUUID()}`, closing = `--${boundary}--\r\n`) {
  const body = Buffer.from(parts.map((part) => `--${boundary}\r\n${part}\r\n`).join("") + closing, "latin1");
  return { boundary, body };
}
const filePart = (name: string, content = "hello") =>
  `Content-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n${content}`;

beforeAll(async () => {
  customer = await createCustomer();
  pool = new pg.Pool({ connectionString: fileDatabaseUrl, max: 2 });
  const endpoint = new URL(process.env.MINIO_ENDPOINT!);
  minio = new Minio.Client({
    endPoint: endpoint.hostname,
    port: Number(endpoint.port),
    useSSL: false,
    accessKey: process.env.MINIO_ACCESS_KEY!,
    secretKey: process.env.MINIO_SECRET_KEY!,
  });
  // The customer's account in file-service (root folder, quota) is made on first use.
  expect((await files("GET", "/usage", { headers: auth() })).status).toBe(200);
});
afterAll(async () => {
  await pool?.end();
});

describe("bad input to file-service: a clear 4xx, nothing stored", () => {
  let before: Awaited<ReturnType<typeof storedState>>;
  beforeAll(async () => {
    before = await storedState(customer.id);
  });
  afterAll(async () => {
    expect(await storedState(customer.id)).toEqual(before);
  });

  it("when a JSON body is over 1 MiB, then 413 PAYLOAD_TOO_LARGE", async () => {
    const answer = await files("POST", "/folders", { headers: auth(), json: { name: "x".repeat(MiB + 1) } });
    expectRefusal(answer, 413, "PAYLOAD_TOO_LARGE");
  });

  it("when a JSON body is not valid UTF-8, then 400 VALIDATION_FAILED (not a name of U+FFFD)", async () => {
    const body = Buffer.concat([Buffer.from('{"name":"bad'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
    const answer = await files("POST", "/folders", {
      headers: { ...auth(), "content-type": "application/json" },
      body,
    });
    expectRefusal(answer, 400, "VALIDATION_FAILED");
  });

  it("when a folder name holds a NUL, a lone surrogate or is empty, then 400 INVALID_NAME", async () => {
    for (const name of ["a\u0000b", "lone \ud800 surrogate", "tab\there", ".."]) {
      expectRefusal(await files("POST", "/folders", { headers: auth(), json: { name } }), 400, "INVALID_NAME");
    }
  });

  it("when JSON is nested 100,000 deep, then 400 VALIDATION_FAILED", async () => {
    const body = `{"name":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const answer = await files("POST", "/folders", {
      headers: { ...auth(), "content-type": "application/json" },
      body,
    });
    expectRefusal(answer, 400, "VALIDATION_FAILED");
  });

  it("when a body's Content-Type is not one the route reads, then 415 UNSUPPORTED_MEDIA_TYPE", async () => {
    const answer = await files("POST", "/folders", {
      headers: { ...auth(), "content-type": "application/xml" },
      body: "<name>x</name>",
    });
    expectRefusal(answer, 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("when an upload is not multipart, has no boundary or is truncated, then a 4xx and no file", async () => {
    const json = await files("POST", "/files", { headers: auth(), json: { file: "x" } });
    expectRefusal(json, 415, "UNSUPPORTED_MEDIA_TYPE");

    const { body } = multipart([filePart("a.txt")]);
    const noBoundary = await files("POST", "/files", {
      headers: { ...auth(), "content-type": "multipart/form-data" },
      body,
    });
    expectRefusal(noBoundary, 400, "INVALID_MULTIPART");

    const truncated = multipart([filePart("a.txt", "x".repeat(64 * KiB))], undefined, "");
    const cut = await files("POST", "/files", {
      headers: { ...auth(), "content-type": `multipart/form-data; boundary=${truncated.boundary}` },
      body: truncated.body.subarray(0, truncated.body.length - 100),
    });
    expectRefusal(cut, 400, "INVALID_MULTIPART");
  });

  it("when an upload has no file part, then 400 FILE_REQUIRED", async () => {
    const { boundary, body } = multipart(['Content-Disposition: form-data; name="note"\r\n\r\nno file here']);
    const answer = await files("POST", "/files", {
      headers: { ...auth(), "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expectRefusal(answer, 400, "FILE_REQUIRED");
  });

  it("when an upload has two file parts, then 400 INVALID_MULTIPART and neither is stored", async () => {
    const { boundary, body } = multipart([filePart("one.txt"), filePart("two.txt")]);
    const answer = await files("POST", "/files", {
      headers: { ...auth(), "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expectRefusal(answer, 400, "INVALID_MULTIPART");
  });

  it("when a filename is 10,000 bytes, or not valid UTF-8, then 400 INVALID_NAME", async () => {
    for (const name of ["n".repeat(10_000), "bad \xff\xfe name.txt"]) {
      const { boundary, body } = multipart([filePart(name)]);
      const answer = await files("POST", "/files", {
        headers: { ...auth(), "content-type": `multipart/form-data; boundary=${boundary}` },
        body,
      });
      expectRefusal(answer, 400, "INVALID_NAME");
    }
  });

  it("when a checksum header is not valid UTF-8, then 400 INVALID_CHECKSUM", async () => {
    const { boundary, body } = multipart([filePart("checked.txt")]);
    const status = await sendRaw(
      serviceUrls.file,
      `POST /files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${customer.accessToken}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nX-Checksum-Sha256: \xff\xfe\r\n` +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      body,
    );
    expect(status).toBe(400);
  });

  it("when a tus Upload-Offset goes backwards, then 409, the upload keeps its offset, and abandoning it gives everything back", async () => {
    const created = await files("POST", "/files/uploads", {
      headers: {
        ...auth(),
        "tus-resumable": "1.0.0",
        "upload-length": "10",
        "upload-metadata": `filename ${Buffer.from("tus.bin").toString("base64")}`,
      },
    });
    expect(created.status).toBe(201);
    const path = new URL(created.headers.location!, serviceUrls.file).pathname;
    const chunk = (offset: number, data: Buffer) =>
      files("PATCH", path, {
        headers: {
          ...auth(),
          "tus-resumable": "1.0.0",
          "upload-offset": String(offset),
          "content-type": "application/offset+octet-stream",
        },
        body: data,
      });
    expect((await chunk(0, randomBytes(6))).status).toBe(204);
    expect((await chunk(2, randomBytes(4))).status).toBe(409);
    expect((await chunk(-1, randomBytes(4))).status).toBeGreaterThanOrEqual(400);
    const head = await files("HEAD", path, { headers: { ...auth(), "tus-resumable": "1.0.0" } });
    expect(head.headers["upload-offset"]).toBe("6");
    expect((await files("DELETE", path, { headers: { ...auth(), "tus-resumable": "1.0.0" } })).status).toBe(204);
    // Given back just after the answer.
    await expect.poll(() => storedState(customer.id)).toEqual(before);
  });

  it("when tus metadata names the file in invalid UTF-8, then 400 INVALID_NAME", async () => {
    const created = await files("POST", "/files/uploads", {
      headers: {
        ...auth(),
        "tus-resumable": "1.0.0",
        "upload-length": "10",
        "upload-metadata": `filename ${Buffer.from([0x61, 0xff, 0xfe]).toString("base64")}`,
      },
    });
    expect(created.status).toBe(400);
    expect(JSON.parse(created.body.toString()).code).toBe("INVALID_NAME");
    expect(await storedState(customer.id)).toEqual(before);
  });

  it("when a path parameter is 10,000 characters or badly percent-encoded, then 400 VALIDATION_FAILED", async () => {
    expectRefusal(await files("GET", `/files/${"a".repeat(10_000)}`, { headers: auth() }), 400, "VALIDATION_FAILED");
    expectRefusal(await files("GET", "/files/%E0%A4%A", { headers: auth() }), 400, "VALIDATION_FAILED");
  });
});

describe("Range headers that overflow", () => {
  let path: string;
  beforeAll(async () => {
    const { boundary, body } = multipart([filePart(`ranges-${randomUUID()}.txt`, "0123456789")]);
    const uploaded = await files("POST", "/files", {
      headers: { ...auth(), "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(uploaded.status).toBe(201);
    path = `/files/${uploaded.json<{ id: string }>().id}/content`;
  });

  it("when the range ends past 2^64, then it is read as 'to the end' (RFC 9110 14.1.2): 206 with the whole rest", async () => {
    const answer = await files("GET", path, { headers: { ...auth(), range: "bytes=2-99999999999999999999" } });
    expect(answer.status).toBe(206);
    expect(answer.body.toString()).toBe("23456789");
    expect(answer.headers["content-range"]).toBe("bytes 2-9/10");
  });

  it("when the range starts past 2^64, or asks for the last 0 bytes, then 416 RANGE_NOT_SATISFIABLE", async () => {
    for (const range of ["bytes=99999999999999999999-", "bytes=-0", "bytes=20-30"]) {
      const answer = await files("GET", path, { headers: { ...auth(), range } });
      expectRefusal(answer, 416, "RANGE_NOT_SATISFIABLE");
      expect(answer.headers["content-range"]).toBe("bytes */10");
    }
  });

  it("when a thousand ranges are asked for, then the whole content, once (a server may ignore Range)", async () => {
    const range = `bytes=${Array.from({ length: 1000 }, (_, i) => `${i % 10}-${i % 10}`).join(",")}`;
    const answer = await files("GET", path, { headers: { ...auth(), range } });
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toBe("0123456789");
  });
});

describe("oversized headers and tokens, at each service and at the gateway", () => {
  const everywhere = () => [serviceUrls.customer, serviceUrls.file, serviceUrls.notification, gatewayUrl];

  it("when the headers are over 16 KiB, then Node's HTTP parser answers 431 before any of our code runs", async () => {
    for (const base of everywhere()) {
      const status = await sendRaw(
        base,
        `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Pad: ${"p".repeat(20 * KiB)}\r\n\r\n`,
      );
      expect(status, base).toBe(431);
    }
  });

  it("when the access token carries a 1 MiB payload, then 431 (it cannot even be read)", async () => {
    const payload = Buffer.from(JSON.stringify({ sub: "x", pad: "p".repeat(MiB) })).toString("base64url");
    const token = `eyJhbGciOiJSUzI1NiJ9.${payload}.c2lnbmF0dXJl`;
    for (const base of everywhere()) {
      const status = await sendRaw(
        base,
        `GET /customers/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`,
      );
      expect(status, base).toBe(431);
    }
  });

  it("when a forged token is just under the header limit, then 401 at each service and at the gateway", async () => {
    const payload = Buffer.from(JSON.stringify({ sub: "x", pad: "p".repeat(10 * KiB) })).toString("base64url");
    const token = `eyJhbGciOiJSUzI1NiJ9.${payload}.c2lnbmF0dXJl`;
    const routes = { customer: "/customers/me", file: "/usage", notification: "/notifications" } as const;
    for (const [service, route] of Object.entries(routes)) {
      const answer = await createClient(serviceUrls[service as keyof typeof routes])("GET", route, { token });
      expectRefusal(answer, 401, "UNAUTHORIZED");
      expect((await createClient(gatewayUrl)("GET", route, { token })).status).toBe(401);
    }
  });
});

describe("bad input to customer-service: a clear 4xx, no account half-made", () => {
  const customers = createClient(serviceUrls.customer);
  let mongo: mongoose.Connection;
  beforeAll(async () => {
    mongo = await mongoose.createConnection(mongoUrl).asPromise();
  });
  afterAll(async () => {
    await mongo?.close();
  });
  const accounts = (email: string) => mongo.collection("customers").countDocuments({ email });

  it("when a registration is not valid UTF-8, over 1 MiB, or deeply nested, then a 4xx and no account", async () => {
    const email = `bad-${randomUUID()}@example.com`;
    const invalid = Buffer.concat([
      Buffer.from(`{"email":"${email}","password":"a long and careful passphrase","displayName":"`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const headers = { "content-type": "application/json" };
    expectRefusal(await customers("POST", "/auth/register", { headers, body: invalid }), 400, "VALIDATION_FAILED");
    const huge = { email, password: "a long and careful passphrase", displayName: "x".repeat(MiB) };
    expectRefusal(await customers("POST", "/auth/register", { json: huge }), 413, "PAYLOAD_TOO_LARGE");
    const nested = `{"email":"${email}","password":${"[".repeat(50_000)}${"]".repeat(50_000)},"displayName":"N"}`;
    expectRefusal(await customers("POST", "/auth/register", { headers, body: nested }), 400, "VALIDATION_FAILED");
    const nul = { email, password: "a long and careful passphrase", displayName: "nul\u0000name" };
    expect((await customers("POST", "/auth/register", { json: nul })).status).toBe(400);
    expect(await accounts(email)).toBe(0);
  });

  it("when a login body is empty, truncated or of another type, then 400 or 415 in our shape", async () => {
    const headers = { "content-type": "application/json" };
    expectRefusal(await customers("POST", "/auth/login", { headers, body: "" }), 400, "VALIDATION_FAILED");
    expectRefusal(await customers("POST", "/auth/login", { headers, body: '{"email":' }), 400, "VALIDATION_FAILED");
    const form = await customers("POST", "/auth/login", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "email=a&password=b",
    });
    expectRefusal(form, 415, "UNSUPPORTED_MEDIA_TYPE");
  });
});

import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance } from "fastify";
import Type from "typebox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AppError,
  HTTP_ERRORS,
  createErrorResponses,
  createServerOptions,
  loggableUrl,
  registerHttpConventions,
  registerOpenApi,
} from "../src/http/index.js";

const errorResponses = createErrorResponses({ ...HTTP_ERRORS, THING_NOT_FOUND: 404 });
let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify(
    createServerOptions({ service: "things", logLevel: "silent", trustedProxies: [] }),
  ).withTypeProvider<TypeBoxTypeProvider>();
  registerHttpConventions(app);
  await registerOpenApi(app, { title: "things", version: "1.0.0", description: "Things." });
  app.post(
    "/things/:id",
    {
      schema: {
        summary: "Name a thing",
        tags: ["things"],
        params: Type.Object({ id: Type.String() }),
        body: Type.Object({ name: Type.String() }),
        response: { 204: Type.Null(), ...errorResponses("THING_NOT_FOUND") },
      },
    },
    async (_request, reply) => reply.code(204).send(null),
  );
  await app.ready();
});
afterAll(() => app.close());

const post = (body: string | Buffer, contentType = "application/json", id = "1") =>
  app.inject({ method: "POST", url: `/things/${id}`, headers: { "content-type": contentType }, payload: body });

describe("contracts: what Fastify refuses, answered in our shape", () => {
  it("when a JSON body is malformed, empty or not valid UTF-8, then 400 VALIDATION_FAILED", async () => {
    const invalidUtf8 = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    for (const body of ['{"name":', "", invalidUtf8]) {
      const answer = await post(body);
      expect({ status: answer.statusCode, code: answer.json().code }).toEqual({
        status: 400,
        code: "VALIDATION_FAILED",
      });
    }
    expect((await post('{"name":"ü"}')).statusCode).toBe(204);
  });

  it("when a body is over the limit or of a type the route does not read, then 413 or 415 with our codes", async () => {
    const large = await post(JSON.stringify({ name: "x".repeat(2 ** 20) }));
    expect({ status: large.statusCode, code: large.json().code }).toEqual({ status: 413, code: "PAYLOAD_TOO_LARGE" });
    const xml = await post("<name>x</name>", "application/xml");
    expect({ status: xml.statusCode, code: xml.json().code }).toEqual({ status: 415, code: "UNSUPPORTED_MEDIA_TYPE" });
  });

  it("when a path parameter is too long or badly encoded, then 400 VALIDATION_FAILED with the correlation id", async () => {
    for (const id of ["a".repeat(200), "%E0%A4%A"]) {
      const answer = await post('{"name":"x"}', "application/json", id);
      expect({ status: answer.statusCode, code: answer.json().code }).toEqual({
        status: 400,
        code: "VALIDATION_FAILED",
      });
      expect(answer.headers["x-correlation-id"]).toBeTruthy();
    }
  });

  it("when the document is read, then an operation taking a body and a path parameter lists those refusals", async () => {
    const { responses } = (await app.inject("/openapi.json")).json().paths["/things/{id}"].post;
    const codes = (status: string) => responses[status].content["application/json"].schema.properties.code.enum;
    expect(codes("400")).toEqual(["VALIDATION_FAILED"]);
    expect(codes("404")).toEqual(["THING_NOT_FOUND"]);
    expect(codes("413")).toEqual(["PAYLOAD_TOO_LARGE"]);
    expect(codes("415")).toEqual(["UNSUPPORTED_MEDIA_TYPE"]);
  });
});

describe("contracts: a refusal that passes with time", () => {
  it("when an AppError carries retryAfterSeconds, then the answer has Retry-After; when it does not, then none", async () => {
    const limited = Fastify(createServerOptions({ service: "limits", logLevel: "silent", trustedProxies: [] }));
    registerHttpConventions(limited);
    limited.get("/wait", async () => {
      throw new AppError("TOO_MANY_ATTEMPTS", "Try again in 7 s", { statusCode: 429, retryAfterSeconds: 7 });
    });
    limited.get("/refused", async () => {
      throw new AppError("FORBIDDEN", "No", { statusCode: 403 });
    });
    try {
      const wait = await limited.inject("/wait");
      expect({ status: wait.statusCode, retryAfter: wait.headers["retry-after"], body: wait.json() }).toEqual({
        status: 429,
        retryAfter: "7",
        body: { code: "TOO_MANY_ATTEMPTS", message: "Try again in 7 s" },
      });
      expect((await limited.inject("/refused")).headers["retry-after"]).toBeUndefined();
    } finally {
      await limited.close();
    }
  });
});

describe("the URL a log line shows", () => {
  const token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdE";
  it("when a share token is spelled any way a router accepts, or a mailed link carries one, then it is masked", () => {
    for (const url of [
      `/s/${token}/content`,
      `//s/${token}/unlock`,
      `/./s/${token}`,
      `/%73/${token}/content`,
      `/verify-email?token=${token}`,
    ]) {
      expect(loggableUrl(url)).not.toContain(token);
    }
    expect(loggableUrl("/files/0b0e7c4e-8f3c-4f59-9a7e-1d2b3c4d5e6f/content?x=1")).toBe(
      "/files/0b0e7c4e-8f3c-4f59-9a7e-1d2b3c4d5e6f/content",
    );
  });
});

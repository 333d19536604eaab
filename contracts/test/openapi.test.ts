import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance } from "fastify";
import Type from "typebox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BEARER_AUTH,
  HTTP_ERRORS,
  createErrorResponses,
  documentOnly,
  registerHttpConventions,
  registerOpenApi,
} from "../src/http/index.js";

const errorResponses = createErrorResponses({ ...HTTP_ERRORS, THING_NOT_FOUND: 404, THING_LOCKED: 409 });
let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify().withTypeProvider<TypeBoxTypeProvider>();
  registerHttpConventions(app);
  await registerOpenApi(app, { title: "things", version: "1.2.3", description: "Things." });
  app.put(
    "/things/:id",
    {
      config: documentOnly({
        headers: Type.Object({ "x-checksum": Type.String() }),
        body: { "application/octet-stream": Type.String({ format: "binary" }) },
        bodyOptional: true,
        responses: { 200: { description: "The stored thing", content: { "text/plain": Type.String() } } },
      }),
      schema: {
        summary: "Store a thing",
        tags: ["things"],
        security: BEARER_AUTH,
        params: Type.Object({ id: Type.Integer() }),
        response: errorResponses("VALIDATION_FAILED", "UNAUTHORIZED", "THING_NOT_FOUND", "THING_LOCKED"),
      },
    },
    async (_request, reply) => reply.type("text/plain").send("stored"),
  );
  await app.ready();
});
afterAll(() => app.close());

describe("contracts: OpenAPI document", () => {
  it("when codes are documented, then each status lists exactly its own codes", async () => {
    const { paths } = (await app.inject("/openapi.json")).json();
    const responses = paths["/things/{id}"].put.responses;
    expect(responses["400"].content["application/json"].schema.properties.code.enum).toEqual(["VALIDATION_FAILED"]);
    expect(responses["404"].content["application/json"].schema.properties.code.enum).toEqual(["THING_NOT_FOUND"]);
    expect(responses["409"].content["application/json"].schema.properties.code.enum).toEqual(["THING_LOCKED"]);
    // Answering UNAUTHORIZED means authenticating: the other refusals of the authentication come with it.
    expect(responses["401"].content["application/json"].schema.properties.code.enum).toEqual([
      "UNAUTHORIZED",
      "TOKEN_REVOKED",
    ]);
    expect(responses["403"].content["application/json"].schema.properties.code.enum).toEqual(["ACCOUNT_DISABLED"]);
    expect(responses["404"].description).toBe("Not Found");
    expect(responses["500"]).toEqual({ $ref: "#/components/responses/InternalError" });
  });

  it("when a route documents what it handles itself, then the document shows it and Fastify does not enforce it", async () => {
    const document = (await app.inject("/openapi.json")).json();
    const operation = document.paths["/things/{id}"].put;
    expect(document.info).toEqual({ title: "things", version: "1.2.3", description: "Things." });
    expect(operation.security).toEqual([{ bearerAuth: [] }]);
    expect(operation.requestBody).toEqual({
      required: false,
      content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
    });
    expect(operation.parameters).toContainEqual(expect.objectContaining({ name: "x-checksum", in: "header" }));
    expect(operation.responses["200"]).toEqual({
      description: "The stored thing",
      content: { "text/plain": { schema: { type: "string" } } },
    });
    expect(JSON.stringify(document)).not.toContain("x-coffer-optional-body");

    // Neither the documented header nor a body is required by Fastify; the params schema still is.
    expect((await app.inject({ method: "PUT", url: "/things/1" })).body).toBe("stored");
    expect((await app.inject({ method: "PUT", url: "/things/x" })).json()).toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("when the document is asked for, then its own route is not in it", async () => {
    const { paths } = (await app.inject("/openapi.json")).json();
    expect(Object.keys(paths)).toEqual(["/things/{id}"]);
  });
});

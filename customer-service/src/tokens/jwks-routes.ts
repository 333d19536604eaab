import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import Type from "typebox";
import type { SigningKeys } from "./signing-keys.js";

export const jwksRoutes: FastifyPluginAsyncTypebox<{ keys: SigningKeys }> = async (app, opts) => {
  app.get(
    "/.well-known/jwks.json",
    {
      schema: {
        tags: ["auth"],
        summary: "The public keys that verify access tokens (JWKS)",
        response: { 200: Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.String())) }) },
      },
    },
    async (_request, reply) => {
      reply.header("cache-control", "public, max-age=300");
      return opts.keys.jwks() as { keys: Record<string, string>[] };
    },
  );
};

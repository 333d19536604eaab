import type { DependencyCheck } from "./readiness.js";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import Type from "typebox";

const CHECK_TIMEOUT_MS = 2500;

const ChecksSchema = Type.Record(Type.String(), Type.Union([Type.Literal("up"), Type.Literal("down")]));

async function probe({ check }: DependencyCheck): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** `/health/live` says the process serves; `/health/ready` that every dependency answers. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ checks: readonly DependencyCheck[] }> = async (
  app,
  { checks },
) => {
  app.get(
    "/health/live",
    {
      schema: {
        summary: "Whether the process serves requests",
        tags: ["health"],
        response: { 200: Type.Object({ status: Type.Literal("ok") }) },
      },
    },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/health/ready",
    {
      schema: {
        summary: "Whether every dependency answers; 503 names those that do not",
        tags: ["health"],
        response: {
          200: Type.Object({ status: Type.Literal("ready"), checks: ChecksSchema }),
          503: Type.Object({
            code: Type.Literal("DEPENDENCY_UNAVAILABLE"),
            message: Type.String(),
            checks: ChecksSchema,
          }),
        },
      },
    },
    async (_request, reply) => {
      const results = await Promise.all(checks.map(async (c) => [c.name, (await probe(c)) ? "up" : "down"] as const));
      const down = results.filter(([, state]) => state === "down").map(([name]) => name);
      const states = Object.fromEntries(results);
      if (down.length === 0) return { status: "ready" as const, checks: states };
      return reply.code(503).send({
        code: "DEPENDENCY_UNAVAILABLE" as const,
        message: `unavailable: ${down.join(", ")}`,
        checks: states,
      });
    },
  );
};

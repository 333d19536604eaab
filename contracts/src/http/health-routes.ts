import type { DependencyCheck } from "./readiness.js";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import Type from "typebox";

const CHECK_TIMEOUT_MS = 2500;

const ChecksSchema = Type.Record(Type.String(), Type.Union([Type.Literal("up"), Type.Literal("down")]));

/** Whether the check passes within its timeout. */
export async function probe({ check }: DependencyCheck): Promise<boolean> {
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

const namesDown = (results: readonly (readonly [string, "up" | "down"])[]) =>
  results.filter(([, state]) => state === "down").map(([name]) => name);

/**
 * `/health/live` says the process serves. `/health/ready` says whether this instance can serve its
 * requests: 503 while it starts, or when a dependency its requests need (`required`) is down. The
 * others (`reported`: Kafka, the registry, SMTP) are listed and make it `degraded`, still 200,
 * since they are down for every instance at once and the outbox and consumers wait for them: a
 * load balancer that dropped every instance would turn a partial outage into a full one.
 */
export const healthRoutes: FastifyPluginAsyncTypebox<{
  required: readonly DependencyCheck[];
  reported: readonly DependencyCheck[];
  isStarted: () => boolean;
}> = async (app, { required, reported, isStarted }) => {
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
        summary:
          "Whether this instance can serve its requests; 503 while it starts or names the dependencies it needs that are down",
        tags: ["health"],
        response: {
          200: Type.Object({
            status: Type.Union([Type.Literal("ready"), Type.Literal("degraded")]),
            checks: ChecksSchema,
          }),
          503: Type.Union([
            Type.Object({ code: Type.Literal("STARTING"), message: Type.String() }),
            Type.Object({ code: Type.Literal("DEPENDENCY_UNAVAILABLE"), message: Type.String(), checks: ChecksSchema }),
          ]),
        },
      },
    },
    async (_request, reply) => {
      if (!isStarted()) {
        return reply.code(503).send({ code: "STARTING" as const, message: "starting" });
      }
      const [needed, others] = await Promise.all(
        [required, reported].map((checks) =>
          Promise.all(checks.map(async (c) => [c.name, (await probe(c)) ? "up" : "down"] as const)),
        ),
      );
      const checks = Object.fromEntries([...needed!, ...others!]);
      const down = namesDown(needed!);
      if (down.length > 0) {
        return reply.code(503).send({
          code: "DEPENDENCY_UNAVAILABLE" as const,
          message: `unavailable: ${down.join(", ")}`,
          checks,
        });
      }
      return { status: namesDown(others!).length === 0 ? ("ready" as const) : ("degraded" as const), checks };
    },
  );
};

import type { Admin } from "kafkajs";
import { createKafka, type EventLogger, type KafkaConnection } from "../events/kafka.js";

export type DependencyCheck = {
  /** The name an operator sees in `/health/ready` when this dependency is down. */
  name: string;
  check(): Promise<void>;
  close?(): Promise<void>;
};

/** Kafka is ready when a broker answers a metadata request and a controller is elected. */
export function createKafkaCheck(
  options: KafkaConnection & {
    clientId: string;
    logger: EventLogger;
  },
): DependencyCheck {
  let admin: Admin | undefined;
  return {
    name: "kafka",
    async check() {
      admin ??= createKafka({ ...options, failFast: true }).admin();
      try {
        await admin.connect();
        const { controller } = await admin.describeCluster();
        if (controller === null) throw new Error("no controller elected");
      } catch (error) {
        // A broken connection is not reused: the next probe reconnects from scratch.
        const stale = admin;
        admin = undefined;
        await stale.disconnect().catch(() => undefined);
        throw error;
      }
    },
    async close() {
      await admin?.disconnect();
    },
  };
}

/** The schema registry is ready when its Confluent-compatible API lists subjects. */
export function createSchemaRegistryCheck(baseUrl: string): DependencyCheck {
  return {
    name: "schema-registry",
    async check() {
      const response = await fetch(`${baseUrl}/subjects`, { signal: AbortSignal.timeout(2000) });
      if (!response.ok) throw new Error(`schema registry answered ${response.status}`);
    },
  };
}

import { Partitioners, type Kafka, type Message, type RecordMetadata } from "kafkajs";

export type CopyProducer = {
  /** Where the copies went: per partition, the offset of the first of them. */
  send(topic: string, messages: Message[]): Promise<RecordMetadata[]>;
  close(): Promise<void>;
};

/**
 * Produces copies of records as they are (bytes in, bytes out: nothing is re-encoded, so nothing
 * can be altered): idempotent, acks from every in-sync replica, one request in flight so
 * copies keep their order; never creates a topic.
 */
export function createCopyProducer(kafka: Kafka): CopyProducer {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 3000 },
  });
  let connected: Promise<void> | undefined;
  return {
    async send(topic, messages) {
      if (messages.length === 0) return [];
      connected ??= producer.connect();
      await connected;
      return producer.send({ topic, acks: -1, messages });
    },
    async close() {
      if (connected) await producer.disconnect();
    },
  };
}

/** The service's name: its logs, its Kafka client and its OpenAPI document carry it. */
export const SERVICE_NAME = "file-service";

/** The `producer` of every event this service publishes. */
export const PRODUCER = SERVICE_NAME;

export type PlatformOptions = {
  /**
   * Where each process listens; several ports are several instances (`customer-service-1`, `-2`, …),
   * every gateway balancing over all of them. `web`: the web app's server (over web/dist, built
   * first); without it `/` and /app are not served.
   */
  ports: {
    customer: number | number[];
    file: number | number[];
    notification: number | number[];
    gateway: number | number[];
    web?: number | number[];
  };
  /** The servers' addresses and development secrets (`infra/bin/infra env`). */
  infraEnv: Record<string, string>;
  /** Where the signing keys live (made there when missing) and where the rendered kong.yml goes. */
  keysDir: string;
  kongFile: string;
  /**
   * Each service's first instance's GET /metrics port (`METRICS_PORTS`: 9101 customer, 9102 file,
   * 9103 notification), further instances 10 above the previous one; without it, none.
   */
  metricsPorts?: { customer: number; file: number; notification: number };
  /** Per-process settings over the defaults. */
  env?: Partial<Record<"customer" | "file" | "notification" | "gateway" | "web", Record<string, string>>>;
  onLine: (name: string, line: string) => void;
  startTimeoutMs?: number;
};

export type Platform = {
  /** The first gateway's address; `gatewayUrls` has every gateway's. */
  gatewayUrl: string;
  gatewayUrls: string[];
  /** Each running process's id by name (`file-service`, or `file-service-1`… with several), e.g. to sample its memory. */
  pids: Record<string, number>;
  names: string[];
  /** Each service process's GET /metrics address, by process name. */
  metricsUrls: Record<string, string>;
  stop(): Promise<void>;
  /** Stops one process on purpose (SIGKILL unless told): not reported by `exited`. */
  kill(name: string, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped process again and waits until it is ready. */
  start(name: string): Promise<void>;
  /** Settles when a process exits on its own (not through stop). */
  exited: Promise<{ name: string; code: number | null; signal: string | null }>;
};

export function startPlatform(options: PlatformOptions): Promise<Platform>;
export const METRICS_PORTS: { customer: number; file: number; notification: number };
export function readInfraEnv(): Record<string, string>;

export function topologyEnv(infraEnv: Record<string, string>): {
  databaseUrl(name: string): { DATABASE_URL: string; DATABASE_LISTEN_URL: string; MIGRATION_DATABASE_URL: string };
  serviceEnv: Record<string, string>;
};

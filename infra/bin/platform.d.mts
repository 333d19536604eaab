export type PlatformOptions = {
  /** `web`: where the web app's server listens (over web/dist, built first); without it `/` and /app are not served. */
  ports: { customer: number; file: number; notification: number; gateway: number; web?: number };
  /** The servers' addresses and development secrets (`infra/bin/infra env`). */
  infraEnv: Record<string, string>;
  /** Where the signing keys live (made there when missing) and where the rendered kong.yml goes. */
  keysDir: string;
  kongFile: string;
  /** Per-process settings over the defaults. */
  env?: Partial<Record<"customer" | "file" | "notification" | "gateway" | "web", Record<string, string>>>;
  onLine: (name: string, line: string) => void;
  startTimeoutMs?: number;
};

export type Platform = {
  gatewayUrl: string;
  /** Each process's id, e.g. to sample its memory. */
  pids: Record<"customer-service" | "file-service" | "notification-service" | "gateway", number> & { web?: number };
  stop(): Promise<void>;
  /** Settles when a process exits on its own (not through stop). */
  exited: Promise<{ name: string; code: number | null; signal: string | null }>;
};

export function startPlatform(options: PlatformOptions): Promise<Platform>;
export function readInfraEnv(): Record<string, string>;

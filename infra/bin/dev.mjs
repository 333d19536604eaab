// Runs the platform built in dist/ against the local servers, behind the development gateway at
// http://127.0.0.1:8000 (as compose's Kong), with one readable stream of every process's logs. The
// web app is rebuilt on every change to web/ (reload the page to see it). Ctrl-C (or SIGTERM) stops
// them gracefully.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { METRICS_PORTS, readInfraEnv, startPlatform, topologyEnv } from "./platform.mjs";

const root = new URL("../../", import.meta.url).pathname;
const infraEnv = readInfraEnv();
// COFFER_TOPOLOGY=ha: two of each service and of the gateway, on the ha servers `infra up` started.
const ha = process.env.COFFER_TOPOLOGY === "ha";
const { databaseUrl, serviceEnv } = topologyEnv(infraEnv);
const COLORS = {
  "customer-service": 36,
  "file-service": 33,
  "notification-service": 35,
  web: 32,
  "web-build": 32,
  gateway: 34,
};

const LEVELS = { 10: "TRACE", 20: "DEBUG", 30: "INFO ", 40: "WARN ", 50: "ERROR", 60: "FATAL" };
const OMIT = new Set(["level", "time", "pid", "hostname", "service", "msg"]);

function format(name, color, line) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return `\x1b[${color}m${name.padEnd(21)}\x1b[0m ${line}`;
  }
  const time = new Date(entry.time ?? Date.now()).toISOString().slice(11, 23);
  const extra = Object.entries(entry)
    .filter(([key]) => !OMIT.has(key))
    .map(([key, value]) => `${key}=${typeof value === "object" ? JSON.stringify(value) : value}`)
    .join(" ");
  const level = LEVELS[entry.level] ?? entry.level;
  const levelColor = entry.level >= 50 ? 31 : entry.level >= 40 ? 33 : 32;
  return `${time} \x1b[${color}m${name.padEnd(21)}\x1b[0m \x1b[${levelColor}m${level}\x1b[0m ${entry.msg ?? ""} \x1b[2m${extra}\x1b[0m`;
}

const ports = ha
  ? { customer: [3001, 3011], file: [3002, 3012], notification: [3003, 3013], web: [3004, 3014], gateway: [8000, 8001] }
  : { customer: 3001, file: 3002, notification: 3003, web: 3004, gateway: 8000 };
console.log(
  ha
    ? "\nCoffer (ha) is starting: gateways at http://127.0.0.1:8000/ and :8001, two of each service (:3001/:3011 customer, :3002/:3012 file, :3003/:3013 notification, :3004/:3014 web)"
    : "\nCoffer is starting: the web app at http://127.0.0.1:8000/ (API docs at /docs), services on :3001 :3002 :3003, web on :3004",
);
console.log("MailHog UI http://127.0.0.1:8025, MinIO console http://127.0.0.1:9001. Ctrl-C stops everything.\n");

const platform = await startPlatform({
  ports,
  metricsPorts: METRICS_PORTS,
  infraEnv,
  keysDir: infraEnv.JWT_KEYS_DIR,
  kongFile: `${process.env.COFFER_STATE_DIR ?? `${root}.state`}/kong/kong.yml`,
  env: {
    customer: serviceEnv,
    file: { ...serviceEnv, ...databaseUrl("coffer_files"), CONSUMER_FROM_BEGINNING: "false" },
    // The development Kafka also holds every test run's events: a new group starts at the end.
    notification: { ...serviceEnv, ...databaseUrl("coffer_notifications"), CONSUMER_FROM_BEGINNING: "false" },
  },
  onLine: (name, line) => console.log(format(name, COLORS[name] ?? 37, line)),
}).catch((error) => {
  console.error(`\nCoffer did not start: ${error.message}`);
  process.exit(1);
});
console.log(`\nCoffer is ready at ${platform.gatewayUrl}`);
console.log(
  `Metrics (Prometheus): ${Object.entries(platform.metricsUrls)
    .map(([name, url]) => `${name} ${url}`)
    .join(", ")}\n`,
);

// `make dev` built web/dist; Vite rebuilds it on each change, and the web server reads the files at
// each request (index.html is never cached).
const viteBin = `${dirname(createRequire(`${root}web/package.json`).resolve("vite/package.json"))}/bin/vite.js`;
const webBuild = spawn(process.execPath, [viteBin, "build", "--watch"], {
  cwd: `${root}web`,
  stdio: ["ignore", "pipe", "pipe"],
});
for (const stream of [webBuild.stdout, webBuild.stderr])
  createInterface({ input: stream }).on("line", (line) => console.log(format("web-build", COLORS["web-build"], line)));

let exitCode = 0;
const stop = () => {
  webBuild.kill("SIGTERM");
  return platform.stop().then(() => process.exit(exitCode));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
platform.exited.then(({ name, code, signal }) => {
  console.log(format(name, COLORS[name] ?? 37, `exited (${signal ?? code})`));
  exitCode = 1;
  stop();
});

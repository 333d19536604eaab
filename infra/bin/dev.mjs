// Runs the services built in dist/ against the local servers, with one readable stream of
// their logs. Ctrl-C (or SIGTERM) stops them gracefully.
import { execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";

const root = new URL("../../", import.meta.url).pathname;
const infraEnv = Object.fromEntries(
  execFileSync(`${root}infra/bin/infra`, ["env"], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
);
const databaseUrl = (name) => Object.assign(new URL(infraEnv.PG_ADMIN_URL), { pathname: `/${name}` }).toString();

const services = [
  { name: "customer-service", color: 36, env: { PORT: "3001" } },
  {
    name: "file-service",
    color: 33,
    env: { PORT: "3002", DATABASE_URL: databaseUrl("coffer_files"), CONSUMER_FROM_BEGINNING: "false" },
  },
  {
    name: "notification-service",
    color: 35,
    // The development Kafka also holds every test run's events: a new group starts at the end.
    env: { PORT: "3003", DATABASE_URL: databaseUrl("coffer_notifications"), CONSUMER_FROM_BEGINNING: "false" },
  },
];

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

const children = services.map(({ name, color, env }) => {
  const child = spawn(process.execPath, ["--enable-source-maps", `${root}${name}/dist/main.js`], {
    env: { ...process.env, ...infraEnv, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => console.log(format(name, color, line)));
  }
  child.on("exit", (code, signal) => {
    console.log(format(name, color, `exited (${signal ?? code})`));
    if (!stopping) stop(1);
  });
  return child;
});

console.log(`\nCoffer is starting: customer-service :3001, file-service :3002, notification-service :3003`);
console.log(`MailHog UI http://127.0.0.1:8025, MinIO console http://127.0.0.1:9001. Ctrl-C stops everything.\n`);

let stopping = false;
let exitCode = 0;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  exitCode = code;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
}
process.on("SIGINT", () => stop());
process.on("SIGTERM", () => stop());
await Promise.all(children.map((child) => (child.exitCode !== null ? null : new Promise((r) => child.on("exit", r)))));
process.exit(exitCode);

// CPU time spent by processes, and by the whole machine, over a piece of work, read from /proc
// (Linux): what a transfer costs in CPU, beside how fast it went.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Linux reports process and machine times in USER_HZ ticks: 100 a second on every common build. */
const TICKS_PER_SECOND = 100;

function processSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after "pid (comm)": state is the 3rd field of the line; utime and stime the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

function machineSeconds(): { busy: number; all: number } {
  const [, ...times] = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/);
  const ticks = times.map(Number);
  const idle = ticks[3]! + (ticks[4] ?? 0); // idle, iowait
  const all = ticks.slice(0, 8).reduce((sum, t) => sum + t, 0);
  return { busy: (all - idle) / TICKS_PER_SECOND, all: all / TICKS_PER_SECOND };
}

export type CpuSpent = {
  /** CPU seconds of each named process (and `client`, this process) during the work. */
  seconds: Record<string, number>;
  /** Share of the machine's CPU time that was busy, all processes included. */
  machineBusy: number;
};

export async function cpuDuring(pids: Record<string, number>, work: () => Promise<unknown>): Promise<CpuSpent> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processSeconds(pid)]));
  const client = process.cpuUsage();
  const machine = machineSeconds();
  await work();
  const used = process.cpuUsage(client);
  const after = machineSeconds();
  const seconds: Record<string, number> = { client: (used.user + used.system) / 1e6 };
  for (const [name, pid] of Object.entries(pids)) seconds[name] = processSeconds(pid) - before[name]!;
  return { seconds, machineBusy: (after.busy - machine.busy) / (after.all - machine.all) };
}

/** The pid `infra up` recorded for a component, if it is readable. */
export function infraPid(component: string): number | undefined {
  const state = process.env.COFFER_STATE_DIR ?? fileURLToPath(new URL("../../.state", import.meta.url));
  try {
    return Number(readFileSync(`${state}/${component}/pid`, "utf8").trim()) || undefined;
  } catch {
    return undefined;
  }
}

import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { notFound } from "../errors.js";
import type { RecordFilter } from "../records/record-view.js";

/** What a replay copies; fixed when it starts, so a resumed run copies exactly the rest. */
export type ReplaySelection = {
  fromTopic: string;
  toTopic: string;
  /** Offsets [start, end) per partition, as strings (JSON has no bigint). */
  ranges: { partition: number; start: string; end: string }[];
  /** The --offsets spec, when records were chosen by offset. */
  offsets: string | null;
  filter: RecordFilter;
  maxReplays: number;
  resend: boolean;
  rate: number | null;
};

export type ReplayCheckpoint = {
  replayId: string;
  operator: string;
  startedAt: string;
  selection: ReplaySelection;
  /** The next offset to read, per partition: everything before it is copied (or not selected). */
  next: Record<string, string>;
  copied: number;
  refused: number;
  /** Where the copies went: per target partition, the offset of the last one. */
  lastOffsets: Record<string, string>;
  status: "running" | "completed";
};

const fileOf = (stateDir: string, replayId: string) => join(stateDir, "replays", `${replayId}.json`);

export async function loadCheckpoint(stateDir: string, replayId: string): Promise<ReplayCheckpoint> {
  try {
    return JSON.parse(await readFile(fileOf(stateDir, replayId), "utf8")) as ReplayCheckpoint;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw notFound(`no replay ${replayId} to resume in ${join(stateDir, "replays")}`);
    }
    throw error;
  }
}

/** Written whole and renamed into place: a crash leaves the previous checkpoint, never half of one. */
export async function saveCheckpoint(stateDir: string, checkpoint: ReplayCheckpoint): Promise<string> {
  const file = fileOf(stateDir, checkpoint.replayId);
  await mkdir(join(stateDir, "replays"), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(checkpoint, null, 2));
  await rename(`${file}.tmp`, file);
  return file;
}

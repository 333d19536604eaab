import { randomUUID } from "node:crypto";
import { audited } from "../audit/audit-log.js";
import type { OpsContext } from "../context.js";
import { refused } from "../errors.js";
import {
  assertGroupExists,
  assertTopicExists,
  committedOffsets,
  describeGroup,
  describeMembers,
  offsetsAtTime,
  partitionOffsets,
  type Member,
} from "../kafka/cluster.js";
import { formatTable, printJson } from "../output.js";
import type { ResetTarget } from "../specs.js";

export type ResetStep = {
  partition: number;
  before: string | null;
  after: string | null;
  /** Records the group reads again (negative: records it skips). */
  reconsume: string;
  note?: string;
};

export type ResetPlan = {
  group: string;
  topic: string;
  to: string;
  steps: ResetStep[];
  activeMembers: Member[];
};

/** Where each partition's committed offset would go, and what that means in records. */
async function planReset(
  ctx: OpsContext,
  options: { group: string; topic: string; to: ResetTarget; toText: string; partitions?: number[] },
): Promise<ResetPlan> {
  const admin = await ctx.admin();
  await assertTopicExists(admin, options.topic);
  const group = await describeGroup(admin, options.group);
  await assertGroupExists(admin, group);
  const offsets = await partitionOffsets(admin, options.topic, options.partitions);
  const committed = (await committedOffsets(admin, options.group, [options.topic])).get(options.topic);
  const atTime = options.to.kind === "time" ? await offsetsAtTime(admin, options.topic, options.to.ms) : undefined;
  const clamp = (o: bigint, low: bigint, high: bigint) => (o < low ? low : o > high ? high : o);

  const steps = offsets.map(({ partition, low, high }): ResetStep => {
    const before = committed?.get(partition)?.offset ?? null;
    let after: bigint;
    let note: string | undefined;
    switch (options.to.kind) {
      case "earliest":
        after = low;
        break;
      case "latest":
        after = high;
        break;
      case "time":
        after = atTime!.get(partition) ?? high;
        break;
      case "offset":
        after = clamp(options.to.offset, low, high);
        if (after !== options.to.offset) note = `offset ${options.to.offset} is outside ${low}..${high}`;
        break;
      case "shift":
        if (before === null) {
          return { partition, before: null, after: null, reconsume: "0", note: "no committed offset to shift from" };
        }
        after = clamp(before + options.to.by, low, high);
        if (after !== before + options.to.by) note = `shifted within ${low}..${high}`;
        break;
    }
    // Without a commit, the group would start at its reset policy: compare with the end.
    const reconsume = (before ?? high) - after;
    return {
      partition,
      before: before?.toString() ?? null,
      after: after.toString(),
      reconsume: reconsume.toString(),
      ...(note && { note }),
    };
  });
  return { group: options.group, topic: options.topic, to: options.toText, steps, activeMembers: group.members };
}

/**
 * Moves a stopped group's committed offsets. Dry run unless --execute; refused while the group
 * has members, because a running consumer overwrites the offsets with its own on its next commit.
 */
export async function resetCommand(
  ctx: OpsContext,
  options: { group: string; topic: string; to: ResetTarget; toText: string; partitions?: number[]; execute: boolean },
): Promise<number> {
  const plan = await planReset(ctx, options);
  const changes = plan.steps.filter((s) => s.after !== null && s.after !== s.before);
  const active = plan.activeMembers.length > 0;
  if (options.execute && active) {
    throw refused(
      `group ${plan.group} has ${plan.activeMembers.length} active member(s): ${describeMembers(plan.activeMembers)}; stop them first`,
    );
  }

  let actionId: string | undefined;
  if (options.execute && changes.length > 0) {
    const admin = await ctx.admin();
    actionId = randomUUID();
    await audited(ctx.audit, { actionId, command: "replay reset", plan }, async () => {
      await admin
        .setOffsets({
          groupId: plan.group,
          topic: plan.topic,
          partitions: changes.map((s) => ({ partition: s.partition, offset: s.after! })),
        })
        .catch((error: unknown) => {
          // A member joined between the check and the change: kafkajs refuses to touch a running group.
          if (/must have no running instances/.test((error as Error).message)) {
            throw refused(`group ${plan.group} became active; nothing was changed`);
          }
          throw error;
        });
      return { changed: changes.map((s) => ({ partition: s.partition, from: s.before, to: s.after })) };
    });
  }

  if (ctx.json) {
    printJson(ctx.io, { ...plan, executed: actionId !== undefined, ...(actionId && { actionId }) });
    return 0;
  }
  const lines = [
    `reset group ${plan.group} on ${plan.topic} to ${plan.to}:`,
    formatTable(
      ["PARTITION", "BEFORE", "AFTER", "RE-CONSUME", "NOTE"],
      plan.steps.map((s) => [s.partition, s.before, s.after, s.reconsume, s.note]),
    ),
  ];
  if (actionId) lines.push(`applied to ${changes.length} partition(s); audit action ${actionId}`);
  else if (options.execute) lines.push("nothing to change");
  else {
    if (active)
      lines.push(
        `the group has active members (${describeMembers(plan.activeMembers)}): --execute is refused until they stop`,
      );
    lines.push("dry run: nothing changed (add --execute to apply)");
  }
  ctx.io.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

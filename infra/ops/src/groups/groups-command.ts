import type { OpsContext } from "../context.js";
import {
  assertGroupExists,
  committedOffsets,
  describeGroup,
  partitionOffsets,
  type GroupInfo,
} from "../kafka/cluster.js";
import { formatTable, printJson } from "../output.js";

export async function groupsCommand(ctx: OpsContext, options: { match?: string }): Promise<number> {
  const admin = await ctx.admin();
  const ids = (await admin.listGroups()).groups
    .map((g) => g.groupId)
    .filter((id) => !id.startsWith("coffer-ops-reader-"))
    .filter((id) => options.match === undefined || id.includes(options.match))
    .sort();
  const described = ids.length === 0 ? [] : (await admin.describeGroups(ids)).groups;
  const groups = described.map((g) => ({
    groupId: g.groupId,
    state: g.state,
    protocolType: g.protocolType || null,
    members: g.members.length,
  }));
  if (ctx.json) printJson(ctx.io, { groups });
  else
    ctx.io.stdout.write(
      `${formatTable(
        ["GROUP", "STATE", "MEMBERS", "PROTOCOL"],
        groups.map((g) => [g.groupId, g.state, g.members, g.protocolType]),
      )}\n`,
    );
  return 0;
}

export type PartitionLag = {
  topic: string;
  partition: number;
  committed: string | null;
  end: string;
  lag: string;
  member: string | null;
};

export type GroupLag = {
  group: string;
  state: string;
  members: GroupInfo["members"];
  partitions: PartitionLag[];
  totalLag: string;
};

/** The group's state and members, and per partition its committed offset, end offset and lag. */
export async function groupLag(ctx: OpsContext, groupId: string): Promise<GroupLag> {
  const admin = await ctx.admin();
  const group = await describeGroup(admin, groupId);
  await assertGroupExists(admin, group);
  const committed = await committedOffsets(admin, groupId);
  const assigned = new Map<string, string>();
  for (const member of group.members)
    for (const [topic, partitions] of Object.entries(member.assignment))
      for (const partition of partitions) assigned.set(`${topic}/${partition}`, member.memberId);
  const topics = new Set([...committed.keys(), ...[...assigned.keys()].map((k) => k.slice(0, k.lastIndexOf("/")))]);
  const existing = new Set(await admin.listTopics());

  const partitions: PartitionLag[] = [];
  for (const topic of [...topics].filter((t) => existing.has(t)).sort()) {
    for (const { partition, low, high } of await partitionOffsets(admin, topic)) {
      const offset = committed.get(topic)?.get(partition)?.offset ?? null;
      const member = assigned.get(`${topic}/${partition}`) ?? null;
      if (offset === null && member === null) continue;
      // Without a commit the group starts at its reset policy: count the whole partition as behind.
      const lag = high - (offset ?? low);
      partitions.push({
        topic,
        partition,
        committed: offset?.toString() ?? null,
        end: high.toString(),
        lag: (lag < 0n ? 0n : lag).toString(),
        member,
      });
    }
  }
  const totalLag = partitions.reduce((sum, p) => sum + BigInt(p.lag), 0n).toString();
  return { group: groupId, state: group.state, members: group.members, partitions, totalLag };
}

export async function lagCommand(ctx: OpsContext, groupId: string): Promise<number> {
  const lag = await groupLag(ctx, groupId);
  if (ctx.json) {
    printJson(ctx.io, lag);
    return 0;
  }
  const lines = [`group ${lag.group}: ${lag.state}, ${lag.members.length} member(s), total lag ${lag.totalLag}`];
  for (const m of lag.members) lines.push(`  member ${m.memberId}  client ${m.clientId}  host ${m.host}`);
  lines.push(
    formatTable(
      ["TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "MEMBER"],
      lag.partitions.map((p) => [p.topic, p.partition, p.committed, p.end, p.lag, p.member]),
    ),
  );
  ctx.io.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

import { AssignerProtocol, type Admin } from "kafkajs";
import { notFound } from "../errors.js";

export type PartitionOffsets = { partition: number; low: bigint; high: bigint };
export type Member = { memberId: string; clientId: string; host: string; assignment: Record<string, number[]> };
export type GroupInfo = { groupId: string; state: string; protocolType: string; members: Member[] };
/** Committed offset (null: none) and the commit's metadata, per partition. */
export type Committed = Map<number, { offset: bigint | null; metadata: string | null }>;

export async function assertTopicExists(admin: Admin, topic: string): Promise<void> {
  // Never through a metadata request for the topic itself: the broker may auto-create it.
  if (!(await admin.listTopics()).includes(topic)) throw notFound(`unknown topic ${topic}`);
}

/** The first and next offsets of every partition, optionally only some partitions. */
export async function partitionOffsets(
  admin: Admin,
  topic: string,
  only?: readonly number[],
): Promise<PartitionOffsets[]> {
  const offsets = (await admin.fetchTopicOffsets(topic))
    .map(({ partition, low, high }) => ({ partition, low: BigInt(low), high: BigInt(high) }))
    .sort((a, b) => a.partition - b.partition);
  if (!only) return offsets;
  const missing = only.filter((p) => !offsets.some((o) => o.partition === p));
  if (missing.length > 0) throw notFound(`topic ${topic} has no partition ${missing.join(", ")}`);
  return offsets.filter((o) => only.includes(o.partition));
}

/** Per partition, the offset of the first record at or after the time (the end when there is none). */
export async function offsetsAtTime(admin: Admin, topic: string, ms: number): Promise<Map<number, bigint>> {
  const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, ms);
  return new Map(offsets.map(({ partition, offset }) => [partition, BigInt(offset)]));
}

function decodeAssignment(buffer: Buffer): Record<string, number[]> {
  try {
    return AssignerProtocol.MemberAssignment.decode(buffer)?.assignment ?? {};
  } catch {
    return {}; // not the consumer protocol: the members are still named, without partitions
  }
}

export async function describeGroup(admin: Admin, groupId: string): Promise<GroupInfo> {
  const [group] = (await admin.describeGroups([groupId])).groups;
  return {
    groupId,
    state: group?.state ?? "Dead",
    protocolType: group?.protocolType ?? "",
    members: (group?.members ?? []).map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      host: m.clientHost.replace(/^\//, ""),
      assignment: m.memberAssignment.length > 0 ? decodeAssignment(m.memberAssignment) : {},
    })),
  };
}

/** Committed offsets of the group, per topic (every topic it committed for when none are given). */
export async function committedOffsets(
  admin: Admin,
  groupId: string,
  topics?: readonly string[],
): Promise<Map<string, Committed>> {
  const fetched = await admin.fetchOffsets({ groupId, ...(topics && { topics: [...topics] }) });
  return new Map(
    fetched.map(({ topic, partitions }) => [
      topic,
      new Map(
        partitions.map(({ partition, offset, metadata }) => [
          partition,
          { offset: BigInt(offset) < 0n ? null : BigInt(offset), metadata: metadata ?? null },
        ]),
      ),
    ]),
  );
}

/** A group Kafka knows: it has members or committed offsets. */
export async function assertGroupExists(admin: Admin, group: GroupInfo): Promise<void> {
  if (group.state !== "Dead" && group.members.length > 0) return;
  const committed = await committedOffsets(admin, group.groupId);
  const any = [...committed.values()].some((partitions) => [...partitions.values()].some((p) => p.offset !== null));
  if (!any) throw notFound(`unknown group ${group.groupId} (no members, no committed offsets)`);
}

export const describeMembers = (members: readonly Member[]) =>
  members.map((m) => `${m.memberId} (client ${m.clientId}, host ${m.host})`).join(", ");

import type { Admin } from 'kafkajs';

export interface TopicLayout {
  numPartitions: number;
  replicationFactor: number;
}

/**
 * Creates the topics that do not exist yet and waits until every partition has a
 * leader. Topics are always created before use: right after creation a KRaft broker
 * can briefly answer "This server does not host this topic-partition" to kafkajs
 * (kafkajs issues #1563, #1618). kafkajs's own `waitForLeaders` fails on that answer
 * instead of retrying, so this waits with its own metadata loop.
 */
export async function createTopics(
  admin: Admin,
  names: string[],
  layout: TopicLayout,
  timeoutMs = 30_000,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = names.filter((n) => !existing.has(n));
  if (missing.length > 0) {
    // Resolves false, not an error, when another process created them first.
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((topic) => ({ topic, ...layout })),
    });
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      if (topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
        return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`topics have no leader after ${timeoutMs} ms: ${names.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

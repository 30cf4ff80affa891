import { randomBytes } from 'node:crypto';
import type { ICustomPartitioner } from 'kafkajs';

/**
 * Kafka's murmur2 (the Java client's `Utils.murmur2`, as kafkajs's DefaultPartitioner computes
 * it) in 32-bit integer arithmetic. kafkajs computes it with 64-bit `Long` objects and keeps the
 * low 32 bits; every step (multiply, xor, unsigned shift of the low word) depends only on the
 * low 32 bits of its inputs, so `Math.imul` gives the same result without allocating: kafkajs's
 * version was 2 % of the standalone gateway's CPU (docs/benchmarks.md).
 * https://github.com/apache/kafka/blob/0.10.2/clients/src/main/java/org/apache/kafka/common/utils/Utils.java#L364
 */
export function murmur2(key: string | Buffer): number {
  const data = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  const length = data.length;
  const m = 0x5bd1e995;
  let h = 0x9747b28c ^ length;
  const length4 = length & ~3;
  for (let i = 0; i < length4; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= data[length4 + 2] << 16;
  if (rest >= 2) h ^= data[length4 + 1] << 8;
  if (rest >= 1) {
    h ^= data[length4];
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

const toPositive = (x: number) => x & 0x7fffffff;

/**
 * kafkajs's DefaultPartitioner (Java-compatible: a keyed message goes to
 * `toPositive(murmur2(key)) % partitions`, so Kafka Streams / Connect agree), with the murmur2
 * above. Messages without a key go round-robin over the partitions with a leader, from a
 * random start per topic, as kafkajs does.
 */
export const JavaCompatiblePartitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    const numPartitions = partitionMetadata.length;
    if (message.key !== null && message.key !== undefined)
      return toPositive(murmur2(message.key)) % numPartitions;
    const next = (counters.get(topic) ?? randomBytes(4).readUInt32BE(0)) + 1;
    counters.set(topic, next);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    if (available.length > 0) return available[toPositive(next) % available.length].partitionId;
    return toPositive(next) % numPartitions;
  };
};

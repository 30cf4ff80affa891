import { randomBytes, randomUUID } from 'node:crypto';
import { Partitioners, type PartitionerArgs } from 'kafkajs';
import { JavaCompatiblePartitioner, murmur2 } from './partitioner';

const partitionMetadata = (n: number, leaderless: number[] = []) =>
  Array.from({ length: n }, (_, partitionId) => ({
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));

const args = (
  key: string | Buffer | null,
  partitions = 3,
  partition?: number,
): PartitionerArgs => ({
  topic: 't',
  partitionMetadata: partitionMetadata(partitions),
  message: { key, value: 'v', ...(partition === undefined ? {} : { partition }) },
});

describe('murmur2', () => {
  // Vectors of the Java client (org.apache.kafka.common.utils.UtilsTest#testMurmur2).
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %s as the Java client does (%i)', (key, expected) => {
    expect(murmur2(Buffer.from(key))).toBe(expected);
    expect(murmur2(key)).toBe(expected);
  });
});

describe('JavaCompatiblePartitioner', () => {
  const ours = JavaCompatiblePartitioner();
  const kafkajs = Partitioners.DefaultPartitioner();

  it("puts every key on kafkajs's DefaultPartitioner's partition (ids, UTF-8, bytes, lengths 0–40)", () => {
    const keys: (string | Buffer)[] = [
      '',
      'évènement-😀',
      ...Array.from({ length: 300 }, () => `req_${randomUUID()}`),
      ...Array.from({ length: 41 }, (_, n) => randomBytes(n)),
      ...Array.from({ length: 41 }, (_, n) => randomBytes(n).toString('base64').slice(0, n)),
    ];
    for (const partitions of [1, 3, 7, 12])
      for (const key of keys)
        expect(ours(args(key, partitions))).toBe(kafkajs(args(key, partitions)));
  });

  it('keeps a partition the message names', () => {
    expect(ours(args('some-key', 3, 2))).toBe(2);
  });

  it('spreads keyless messages round-robin over the partitions that have a leader', () => {
    const meta = partitionMetadata(4, [1]);
    const seen = Array.from({ length: 6 }, () =>
      ours({ topic: 'k', partitionMetadata: meta, message: { key: null, value: 'v' } }),
    );
    expect(new Set(seen)).toEqual(new Set([0, 2, 3]));
    expect(seen[0]).not.toBe(seen[1]);
  });
});

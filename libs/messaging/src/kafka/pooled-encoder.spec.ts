import { randomBytes } from 'node:crypto';

type RecordBatchEncoder = (batch: {
  firstTimestamp: number;
  maxTimestamp: number;
  lastOffsetDelta: number;
  records: unknown[];
}) => Promise<{ buffer: Buffer }>;
type RecordEncoder = (record: {
  offsetDelta: number;
  key: Buffer;
  value: Buffer;
  headers: Record<string, string>;
}) => unknown;

/**
 * kafkajs's record-batch and record encoders, from a module registry of their own (a fresh
 * kafkajs), with its Encoder patched when `pooled`.
 */
function kafkajsProtocol(pooled: boolean): {
  RecordBatch: RecordBatchEncoder;
  Record: RecordEncoder;
} {
  let protocol!: { RecordBatch: RecordBatchEncoder; Record: RecordEncoder };
  jest.isolateModules(() => {
    if (pooled) require('./pooled-encoder').encodeKafkaRecordsInPooledBuffers();
    protocol = {
      RecordBatch: (
        require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: RecordBatchEncoder }
      ).RecordBatch,
      Record: require('kafkajs/src/protocol/recordBatch/record/v0') as RecordEncoder,
    };
  });
  return protocol;
}

/** A batch shaped like the gateway's: CloudEvents binary headers, JSON values of every size. */
async function encodeBatch(protocol: ReturnType<typeof kafkajsProtocol>): Promise<Buffer> {
  const records = [10, 500, 511, 512, 3000, 9000, 70_000].map((size, offsetDelta) =>
    protocol.Record({
      offsetDelta,
      key: Buffer.from(`req_${offsetDelta}`),
      value: Buffer.from(JSON.stringify({ text: 'é'.repeat(size / 2) })),
      headers: {
        ce_specversion: '1.0',
        ce_id: `0190-${offsetDelta}`,
        ce_source: 'llmgov/gateway/gw-1',
        ce_type: 'request.completed',
        ce_time: '2026-11-28T21:00:00.000Z',
        'content-type': 'application/json',
        traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
        long: 'x'.repeat(600),
      },
    }),
  );
  const batch = await protocol.RecordBatch({
    firstTimestamp: 1_764_363_600_000,
    maxTimestamp: 1_764_363_600_000,
    lastOffsetDelta: records.length - 1,
    records,
  });
  return batch.buffer;
}

describe('encodeKafkaRecordsInPooledBuffers', () => {
  it("encodes record batches byte for byte as kafkajs's own encoder does", async () => {
    const expected = await encodeBatch(kafkajsProtocol(false));
    // Dirty Node's shared pool first: an encoder must never send a byte it did not write.
    for (let i = 0; i < 64; i++) Buffer.allocUnsafe(512).set(randomBytes(512));
    const actual = await encodeBatch(kafkajsProtocol(true));
    expect(actual.length).toBe(expected.length);
    expect(actual.equals(expected)).toBe(true);
  });

  it('starts an encoder without a buffer of its own and takes pooled slices as it writes', () => {
    jest.isolateModules(() => {
      require('./pooled-encoder').encodeKafkaRecordsInPooledBuffers();
      const Encoder = require('kafkajs/src/protocol/encoder') as new () => {
        buf: Buffer;
        buffer: Buffer;
        writeVarIntString(s: string): unknown;
      };
      const encoder = new Encoder();
      expect(encoder.buf.length).toBe(0);
      encoder.writeVarIntString('ce_type');
      // A slice of Node's 8 KB pool, not an ArrayBuffer of its own (kafkajs: 512 zeroed bytes).
      expect(encoder.buf.length).toBe(512);
      expect(encoder.buf.buffer.byteLength).toBe(Buffer.poolSize);
      expect(encoder.buffer).toEqual(Buffer.from([14, ...Buffer.from('ce_type')]));
    });
  });

  it("writes varints, varlongs and their sizes as kafkajs's own encoder does, at every width", () => {
    type Varints = {
      new (): {
        buffer: Buffer;
        writeUVarInt(v: number): unknown;
        writeVarInt(v: number): unknown;
        writeVarLong(v: unknown): unknown;
      };
      sizeOfVarLong(v: unknown): number;
    };
    const load = (pooled: boolean) => {
      let Encoder!: Varints;
      jest.isolateModules(() => {
        if (pooled) require('./pooled-encoder').encodeKafkaRecordsInPooledBuffers();
        Encoder = require('kafkajs/src/protocol/encoder') as Varints;
      });
      return Encoder;
    };
    const [Original, Patched] = [load(false), load(true)];
    // Every byte width and sign, the 31-bit fast path's edges and values past them.
    const values = [0, 1, -1, 63, -64, 64, 127, 128, 300, -300, 16_383, 16_384, 2_097_151];
    for (const edge of [2 ** 29, 2 ** 30, 2 ** 31, 2 ** 32, 2 ** 40, Number.MAX_SAFE_INTEGER])
      values.push(edge - 1, edge, edge + 1, -edge, -edge - 1);
    const encode = (Encoder: Varints) => {
      const e = new Encoder();
      for (const v of values) {
        if (v >= 0 && v <= 0xffff_ffff) e.writeUVarInt(v);
        if (Math.abs(v) < 2 ** 31) e.writeVarInt(v);
        e.writeVarLong(v);
      }
      return { bytes: e.buffer, sizes: values.map((v) => Encoder.sizeOfVarLong(v)) };
    };
    const expected = encode(Original);
    const actual = encode(Patched);
    expect(actual.sizes).toEqual(expected.sizes);
    expect(actual.bytes.equals(expected.bytes)).toBe(true);
  });
});

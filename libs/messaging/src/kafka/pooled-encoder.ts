/**
 * kafkajs 2.2.4's protocol Encoder starts every encoder with `Buffer.alloc(512)`: a zero-filled
 * ArrayBuffer of its own, allocated outside the V8 heap. The producer makes one encoder per
 * record header, per record and per batch — nine for each event the gateway publishes (eight
 * CloudEvents headers and the record) — so at c=64 this was the largest allocation site of the
 * standalone gateway's profile (`FastBuffer`, 4–5 % of its CPU, docs/benchmarks.md "Standalone
 * hot path") and tens of MB of short-lived external memory.
 *
 * Every Encoder write is sequential from offset 0 and `buffer` is the written prefix, so neither
 * the zero fill nor a buffer of its own is needed. Here an encoder starts empty (on the V8 heap,
 * no allocation outside it) and its first write takes a slice of Node's shared 8 KB buffer pool
 * (`Buffer.allocUnsafe`, at least 512 bytes as before); growth also copies only the written
 * prefix, so no byte that was not written is ever sent. The wire bytes are kafkajs's own
 * (`pooled-encoder.spec.ts` compares them; every Kafka test produces through it).
 *
 * Varints are written in place too: kafkajs built each one in an array and copied it through
 * `Buffer.from(array)` (the top allocation site left after the change above: ~40 varints per
 * event, lengths and deltas of the record and of each header), and every varlong and its size
 * through 64-bit `Long` objects even when, as a record's timestamp delta always is here, the
 * value is a small number. Values outside 31 bits (or `Long`s) keep kafkajs's own path.
 *
 * Applied once per process, before the first produce; a kafkajs without this internal (another
 * version) is left alone.
 */
import { kafkajsInternal } from './kafkajs-internal';

interface EncoderInternals {
  buf: Buffer;
  offset: number;
  ensureAvailable(length: number): void;
  writeUVarInt(value: number): EncoderInternals;
  writeVarLong(value: unknown): EncoderInternals;
}

interface EncoderClass {
  prototype: EncoderInternals;
  nextPowerOfTwo(value: number): number;
  sizeOfVarLong(value: unknown): number;
}

/** A varlong that zigzag-encodes in 31 bits: kafkajs's 64-bit arithmetic gives the same bytes. */
const small = (value: unknown): value is number =>
  typeof value === 'number' &&
  Number.isInteger(value) &&
  value >= -0x4000_0000 &&
  value < 0x4000_0000;
const zigZag = (value: number) => (value << 1) ^ (value >> 31);

/** The smallest buffer an encoder takes at its first write: kafkajs's own initial size. */
const MIN_BUFFER = 512;

let applied = false;

export function encodeKafkaRecordsInPooledBuffers(): void {
  if (applied) return;
  applied = true;
  const Encoder = kafkajsInternal<EncoderClass>('protocol/encoder');
  const nextPowerOfTwo = Encoder?.nextPowerOfTwo;
  if (typeof nextPowerOfTwo !== 'function' || !Encoder?.prototype.ensureAvailable) return;
  // The constructor's only use of it: `this.buf = Buffer.alloc(Encoder.nextPowerOfTwo(size))`.
  Encoder.nextPowerOfTwo = () => 0;
  Encoder.prototype.ensureAvailable = function (this: EncoderInternals, length: number) {
    const needed = this.offset + length;
    if (needed <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(MIN_BUFFER, nextPowerOfTwo(needed)));
    this.buf.copy(grown, 0, 0, this.offset);
    this.buf = grown;
  };

  const { writeVarLong, writeUVarInt } = Encoder.prototype;
  const sizeOfVarLong = Encoder.sizeOfVarLong;
  if (typeof writeUVarInt !== 'function' || typeof writeVarLong !== 'function') return;
  Encoder.prototype.writeUVarInt = function (this: EncoderInternals, value: number) {
    if (!(value >= 0 && value <= 0xffff_ffff)) return writeUVarInt.call(this, value);
    this.ensureAvailable(5);
    // kafkajs's loop (an unsigned 32-bit LEB128), written in place.
    let v = value >>> 0;
    while ((v & 0xffff_ff80) !== 0) {
      this.buf[this.offset++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.offset++] = v & 0x7f;
    return this;
  };
  Encoder.prototype.writeVarLong = function (this: EncoderInternals, value: unknown) {
    return small(value) ? this.writeUVarInt(zigZag(value)) : writeVarLong.call(this, value);
  };
  if (typeof sizeOfVarLong === 'function') {
    Encoder.sizeOfVarLong = (value: unknown) => {
      if (!small(value)) return sizeOfVarLong.call(Encoder, value);
      let v = zigZag(value) >>> 0;
      let bytes = 1;
      while ((v & 0xffff_ff80) !== 0) {
        bytes += 1;
        v >>>= 7;
      }
      return bytes;
    };
  }
}

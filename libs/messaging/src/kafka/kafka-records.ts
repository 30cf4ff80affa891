import type { IHeaders, Message } from 'kafkajs';
import type { BinaryRecord } from '../cloudevents';

/** Kafka headers arrive as Buffers (or arrays of them when a key repeats): keep the first, as UTF-8. */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

export const toKafkaMessage = (record: BinaryRecord): Message => ({
  key: record.key,
  value: record.value,
  headers: record.headers,
});

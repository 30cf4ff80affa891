import { z } from 'zod';

/**
 * Every event that crosses a service is a CloudEvents 1.0 event. On Kafka it travels in
 * binary mode: these attributes become `ce_*` headers, `data` is the JSON value and
 * `subject` (the aggregate id) is the record key. Trace context travels beside it as
 * `traceparent` / `tracestate` headers, never inside the envelope.
 */
export const envelope = <T extends string, D extends z.ZodTypeAny>(type: T, data: D) =>
  z.object({
    id: z.string().min(1),
    type: z.literal(type),
    source: z.string().min(1),
    time: z.string().datetime({ offset: true }),
    subject: z.string().min(1),
    data,
  });

/** The attributes every envelope has, whatever its data. */
export interface EnvelopeBase {
  id: string;
  type: string;
  source: string;
  time: string;
  subject: string;
  data: unknown;
}

/** Micro-dollars: integer, never a float that is summed. */
export const microUsd = z.number().int();
export const isoTime = z.string().datetime({ offset: true });
export const nullableId = z.string().nullable();

import type { EnvelopeBase } from '@llmgov/events';

/**
 * CloudEvents 1.0 Kafka protocol binding, binary content mode
 * (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/kafka-protocol-binding.md):
 * attributes travel as `ce_*` headers, the record value is the `data` attribute alone and
 * the record key is the subject (the aggregate id). Both adapters store records in this
 * shape, so the in-process bus exercises the same decoding as Kafka.
 */
export interface BinaryRecord {
  key: string;
  /** JSON of the `data` attribute only. */
  value: string;
  headers: Record<string, string>;
}

export const CE_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  subject: 'ce_subject',
} as const;

const CONTENT_TYPE = 'application/json';

/** Encodes a (validated) envelope; `extraHeaders` carry trace context. */
export function toBinaryRecord(
  event: EnvelopeBase,
  extraHeaders: Record<string, string> = {},
): BinaryRecord {
  return {
    key: event.subject,
    value: JSON.stringify(event.data),
    headers: {
      ...extraHeaders,
      [CE_HEADERS.specversion]: '1.0',
      [CE_HEADERS.id]: event.id,
      [CE_HEADERS.type]: event.type,
      [CE_HEADERS.source]: event.source,
      [CE_HEADERS.time]: event.time,
      [CE_HEADERS.subject]: event.subject,
      'content-type': CONTENT_TYPE,
    },
  };
}

/** Why a record could not be turned back into an envelope (the `x-dlq-reason` header). */
export type DecodeFailure = 'invalid_json' | 'invalid_cloudevent' | 'schema_mismatch';

export type DecodeResult =
  { ok: true; envelope: EnvelopeBase } | { ok: false; reason: DecodeFailure; detail: string };

/**
 * Rebuilds the envelope from headers and value. Schema validation is the caller's step
 * (it knows the topic); this only checks the binding itself.
 */
export function fromBinaryRecord(
  headers: Record<string, string>,
  value: string | null,
): DecodeResult {
  if (headers[CE_HEADERS.specversion] !== '1.0') {
    return {
      ok: false,
      reason: 'invalid_cloudevent',
      detail: `ce_specversion is ${headers[CE_HEADERS.specversion] ?? 'missing'}, expected 1.0`,
    };
  }
  const missing = (['id', 'type', 'source', 'time', 'subject'] as const).filter(
    (a) => !headers[CE_HEADERS[a]],
  );
  if (missing.length > 0) {
    return {
      ok: false,
      reason: 'invalid_cloudevent',
      detail: `missing headers: ${missing.map((a) => CE_HEADERS[a]).join(', ')}`,
    };
  }
  const contentType = headers['content-type'];
  if (contentType !== undefined && !contentType.startsWith(CONTENT_TYPE)) {
    return {
      ok: false,
      reason: 'invalid_cloudevent',
      detail: `content-type ${contentType} is not ${CONTENT_TYPE}`,
    };
  }
  let data: unknown;
  try {
    data = JSON.parse(value ?? '');
  } catch (error) {
    return { ok: false, reason: 'invalid_json', detail: (error as Error).message };
  }
  return {
    ok: true,
    envelope: {
      id: headers[CE_HEADERS.id],
      type: headers[CE_HEADERS.type],
      source: headers[CE_HEADERS.source],
      time: headers[CE_HEADERS.time],
      subject: headers[CE_HEADERS.subject],
      data,
    },
  };
}

/**
 * Converts an outbox record (the whole envelope as JSON, structured mode) to binary
 * mode. The outbox validated the event when it was written, so this only re-encodes.
 */
export function structuredToBinary(
  json: string,
  extraHeaders: Record<string, string>,
): BinaryRecord {
  const event = JSON.parse(json) as EnvelopeBase;
  return toBinaryRecord(event, extraHeaders);
}

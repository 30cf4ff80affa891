import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseEvent {
  event: string | undefined;
  data: string;
}

/**
 * Parses a byte stream of server-sent events into batches of `data` payloads: one batch per
 * network read, so a relay writes once per read rather than once per event. Stops yielding
 * at `[DONE]` but reads the body to its end (leaving it early destroys the socket's stream
 * and costs an AbortError with a mapped stack per request).
 */
export async function* sseBatches(
  body: AsyncIterable<Buffer | Uint8Array | string>,
): AsyncGenerator<SseEvent[]> {
  let batch: SseEvent[] = [];
  let done = false;
  const parser = createParser({
    onEvent: (e: EventSourceMessage) => {
      if (done) return;
      if (e.data === '[DONE]') done = true;
      else batch.push({ event: e.event, data: e.data });
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    if (done) continue;
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (batch.length > 0) {
      const out = batch;
      batch = [];
      yield out;
    }
  }
}

/** An upstream SSE event whose `data` is not a JSON object: the stream stops there (after the valid events). */
export class MalformedSseError extends Error {
  constructor() {
    super('the upstream sent a malformed event (its data is not a JSON object)');
    this.name = 'MalformedSseError';
  }
}

export interface SseJson {
  event: string | undefined;
  json: Record<string, unknown>;
}

/**
 * `sseBatches` with each `data` parsed as JSON. A malformed event ends the stream: the valid
 * events read before it are yielded first, then `MalformedSseError` is thrown (its message never
 * quotes the upstream's bytes).
 */
export async function* sseJsonBatches(
  body: AsyncIterable<Buffer | Uint8Array | string>,
): AsyncGenerator<SseJson[]> {
  for await (const batch of sseBatches(body)) {
    const out: SseJson[] = [];
    for (const e of batch) {
      let json: unknown;
      try {
        json = JSON.parse(e.data);
      } catch {
        json = null;
      }
      if (json === null || typeof json !== 'object' || Array.isArray(json)) {
        if (out.length > 0) yield out;
        throw new MalformedSseError();
      }
      out.push({ event: e.event, json: json as Record<string, unknown> });
    }
    if (out.length > 0) yield out;
  }
}

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
export async function* sseBatches(body: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<SseEvent[]> {
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

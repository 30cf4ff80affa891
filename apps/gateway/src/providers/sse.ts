import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** Parses a byte stream of server-sent events into their `data` payloads (stops at `[DONE]`). */
export async function* sseData(body: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<{ event: string | undefined; data: string }> {
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => queue.push(e) });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    while (queue.length > 0) {
      const e = queue.shift()!;
      if (e.data === '[DONE]') return;
      yield { event: e.event, data: e.data };
    }
  }
}

import { MalformedSseError, sseJsonBatches } from './sse';

async function* reads(...parts: string[]): AsyncGenerator<string> {
  for (const p of parts) yield p;
}

async function collect(
  body: AsyncIterable<string>,
): Promise<{ events: unknown[]; error: unknown }> {
  const events: unknown[] = [];
  try {
    for await (const batch of sseJsonBatches(body)) for (const e of batch) events.push(e.json);
    return { events, error: null };
  } catch (error) {
    return { events, error };
  }
}

describe('sseJsonBatches', () => {
  it('parses each data payload, across reads, up to [DONE]', async () => {
    const { events, error } = await collect(
      reads('data: {"a":1}\n\nda', 'ta: {"b":2}\n\n', 'data: [DONE]\n\n'),
    );
    expect(events).toEqual([{ a: 1 }, { b: 2 }]);
    expect(error).toBeNull();
  });

  it('yields the valid events of a read before a malformed one, then stops with MalformedSseError', async () => {
    const { events, error } = await collect(
      reads('data: {"a":1}\n\ndata: {"b":\n\ndata: {"c":3}\n\n'),
    );
    expect(events).toEqual([{ a: 1 }]);
    expect(error).toBeInstanceOf(MalformedSseError);
    expect((error as Error).message).not.toContain('"b"');
  });

  it('treats data that is JSON but not an object as malformed', async () => {
    const { events, error } = await collect(reads('data: 42\n\n'));
    expect(events).toEqual([]);
    expect(error).toBeInstanceOf(MalformedSseError);
  });
});

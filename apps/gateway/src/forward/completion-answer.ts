import type { ChatCompletion } from '../providers/provider';
import { completionAsEvents } from './confidence';
import type { Headers, HttpOut } from './http';

/** A whole chat completion, as JSON or (asked to stream) as the events of one stream. */
export function completionAnswer(body: ChatCompletion, headers: Headers, stream: boolean): HttpOut {
  if (stream)
    return {
      status: 200,
      headers: { ...headers, 'content-type': 'text/event-stream; charset=utf-8' },
      stream: once(completionAsEvents(body)),
    };
  return {
    status: 200,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

import type { ChainContext } from '@llmgov/chain';
import type { CatalogueModel, PiiPattern } from '@llmgov/policy-schema';
import type { ChatChunk, Usage } from '../providers/provider';
import { costOf } from '../chain/cost';
import type { StreamBudget } from './stream-budget';
import { StreamRedactor } from './stream-redactor';

export interface StreamOutcome {
  usage: { prompt_tokens: number; completion_tokens: number };
  cost_micro_usd: number;
  cut: boolean;
  error: string | null;
}

/** Why a stream stopped early, as its final error event says. */
interface Stop {
  code: 'budget_limit' | 'upstream_error' | 'upstream_timeout';
  type: 'policy_violation' | 'api_error';
  message: string;
}

const sse = (obj: unknown): string => `data: ${JSON.stringify(obj)}\n\n`;

/** The request deadline aborts the request's signal with a `TimeoutError` (see http/gateway-routes). */
export const isDeadline = (signal: AbortSignal): boolean =>
  signal.aborted && (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';

/** Characters of generated output in a chunk: content and tool-call arguments (what output tokens are counted from). */
function outputChars(chunk: ChatChunk): number {
  let n = 0;
  for (const choice of chunk.choices ?? []) {
    const content = choice.delta?.content;
    if (typeof content === 'string') n += content.length;
    const calls = choice.delta?.tool_calls;
    if (Array.isArray(calls))
      for (const c of calls as { function?: { arguments?: unknown } }[])
        if (typeof c?.function?.arguments === 'string') n += c.function.arguments.length;
  }
  return n;
}

/**
 * Relays an upstream chunk stream as server-sent events, one event per upstream event as soon
 * as it is scanned: content is redacted across chunk boundaries (the redactor holds back only
 * the tail that may still grow into a match; an event whose text is all held back goes out
 * with empty content, and held text joins the choice's final event). Before an event is sent,
 * its running cost must fit what the stream has reserved (`StreamBudget` grows the reservation
 * from the shared book); an event that does not fit is not sent: the stream is cut there. A
 * cut, an upstream failure (reset, malformed event) or the request deadline (`signal`) ends
 * the stream with a well-formed final chunk (`finish_reason: "content_filter"`) and an error
 * event. The usage chunk passes only when the client asked (`stream_options.include_usage`);
 * the stream always ends with `[DONE]`.
 */
export async function* relay(
  ctx: ChainContext,
  batches: AsyncIterable<ChatChunk[]>,
  patterns: ReadonlySet<PiiPattern>,
  budget: StreamBudget,
  entry: CatalogueModel | null,
  signal: AbortSignal,
  done: (o: StreamOutcome) => void,
): AsyncGenerator<string> {
  const includeUsage = ctx.request!.stream_options?.include_usage === true;
  const promptTokens = ctx.estimate?.prompt_tokens ?? 0;
  const redactors = new Map<number, StreamRedactor>();
  const redactorOf = (i: number) => {
    let r = redactors.get(i);
    if (!r) redactors.set(i, (r = new StreamRedactor(patterns)));
    return r;
  };
  /** Output read from the upstream (charged), including an event withheld by a cut. */
  let chars = 0;
  let usage: Usage | null = null;
  let last: ChatChunk | null = null;
  let stop: Stop | null = null;
  const outcome: StreamOutcome = {
    usage: { prompt_tokens: 0, completion_tokens: 0 },
    cost_micro_usd: 0,
    cut: false,
    error: null,
  };
  const flushChunk = (base: ChatChunk, index: number): ChatChunk | null => {
    const r = redactors.get(index);
    const rest = r ? r.flush() : '';
    return rest
      ? {
          ...base,
          choices: [{ index, delta: { content: rest }, finish_reason: null }],
          usage: undefined,
        }
      : null;
  };
  let settled = false;
  let finished = false;
  const settle = () => {
    if (settled) return;
    settled = true;
    outcome.usage =
      usage && !stop
        ? { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens }
        : {
            prompt_tokens: usage?.prompt_tokens ?? promptTokens,
            completion_tokens: Math.ceil(chars / 4),
          };
    outcome.cost_micro_usd = costOf(
      entry,
      outcome.usage.prompt_tokens,
      outcome.usage.completion_tokens,
    );
    done(outcome);
  };
  // A client that goes away ends the iteration early: the finally still settles and reports.
  try {
    try {
      outer: for await (const batch of batches) {
        let out = '';
        for (const chunk of batch) {
          last = chunk;
          if (chunk.usage) usage = chunk.usage;
          if (!chunk.choices || chunk.choices.length === 0) {
            // The usage chunk exists because the gateway asks for it: it passes only when the client asked too.
            if (includeUsage || !chunk.usage) out += sse(chunk);
            continue;
          }
          const added = outputChars(chunk);
          if (added > 0) {
            chars += added;
            if (!budget.covers(costOf(entry, promptTokens, Math.ceil(chars / 4)))) {
              stop = {
                code: 'budget_limit',
                type: 'policy_violation',
                message: 'Stream stopped: its next event would pass what the budget leaves.',
              };
              if (out) yield out;
              break outer;
            }
          }
          for (const choice of chunk.choices) {
            const content = choice.delta?.content;
            if (patterns.size && typeof content === 'string' && content.length > 0)
              choice.delta.content = redactorOf(choice.index).push(content);
            if (choice.finish_reason && redactors.has(choice.index)) {
              const rest = redactors.get(choice.index)!.flush();
              if (rest)
                choice.delta = { ...choice.delta, content: (choice.delta?.content ?? '') + rest };
            }
          }
          out += sse(includeUsage || !chunk.usage ? chunk : { ...chunk, usage: undefined });
        }
        if (out) yield out;
      }
    } catch (err) {
      if (isDeadline(signal))
        stop = {
          code: 'upstream_timeout',
          type: 'api_error',
          message: 'Stream stopped: it passed the request deadline (REQUEST_DEADLINE_MS).',
        };
      else
        stop = {
          code: 'upstream_error',
          type: 'api_error',
          message: `Upstream stream failed: ${signal.aborted ? 'the client went away' : (err as Error).message}`,
        };
    }
    let tail = '';
    if (stop) {
      const base: ChatChunk = last ?? {
        id: `chatcmpl-${ctx.request_id}`,
        object: 'chat.completion.chunk',
        created: Math.floor(ctx.now.getTime() / 1000),
        model: ctx.request!.model,
        choices: [],
      };
      for (const index of redactors.keys()) {
        const rest = flushChunk(base, index);
        if (rest) tail += sse(rest);
      }
      tail += sse({
        ...base,
        choices: [{ index: 0, delta: {}, finish_reason: 'content_filter' }],
        usage: undefined,
      });
      tail += sse({
        error: {
          message: stop.message,
          type: stop.type,
          code: stop.code,
          param: null,
          request_id: ctx.request_id,
        },
      });
    } else if (patterns.size && last) {
      for (const index of redactors.keys()) {
        const rest = flushChunk(last, index);
        if (rest) tail += sse(rest);
      }
    }
    yield `${tail}data: [DONE]\n\n`;
    finished = true;
  } finally {
    outcome.cut = stop?.code === 'budget_limit';
    if (stop && !outcome.cut) outcome.error = stop.message;
    if (!finished && !stop) outcome.error = 'client went away';
    settle();
  }
}

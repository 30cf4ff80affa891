import type { ChainContext } from '@llmgov/chain';
import type { CatalogueModel, PiiPattern } from '@llmgov/policy-schema';
import type { ChatChunk, Usage } from '../providers/provider';
import { costOf } from '../chain/cost';
import { StreamRedactor } from './stream-redactor';

export interface StreamOutcome {
  usage: { prompt_tokens: number; completion_tokens: number };
  cost_micro_usd: number;
  cut: boolean;
  error: string | null;
}

const sse = (obj: unknown): string => `data: ${JSON.stringify(obj)}\n\n`;

/**
 * Relays an upstream chunk stream as server-sent events: redacts content across chunk
 * boundaries (hold-back buffer per choice), counts the running cost and cuts the stream
 * with a well-formed final chunk (`finish_reason: "content_filter"`) and an error event
 * when it would pass what the budgets leave (`allowance`), passes the usage chunk only
 * when the client asked (`stream_options.include_usage`), and ends with `[DONE]`.
 */
export async function* relay(
  ctx: ChainContext,
  batches: AsyncIterable<ChatChunk[]>,
  patterns: ReadonlySet<PiiPattern>,
  allowanceMicroUsd: number,
  entry: CatalogueModel | null,
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
  let chars = 0;
  let usage: Usage | null = null;
  let last: ChatChunk | null = null;
  const outcome: StreamOutcome = { usage: { prompt_tokens: 0, completion_tokens: 0 }, cost_micro_usd: 0, cut: false, error: null };
  const flushChunk = (base: ChatChunk, index: number): ChatChunk | null => {
    const r = redactors.get(index);
    const rest = r ? r.flush() : '';
    return rest ? { ...base, choices: [{ index, delta: { content: rest }, finish_reason: null }], usage: undefined } : null;
  };
  let settled = false;
  let finished = false;
  const settle = () => {
    if (settled) return;
    settled = true;
    outcome.usage = usage && !outcome.cut && !outcome.error ? { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens } : { prompt_tokens: usage?.prompt_tokens ?? promptTokens, completion_tokens: Math.ceil(chars / 4) };
    outcome.cost_micro_usd = costOf(entry, outcome.usage.prompt_tokens, outcome.usage.completion_tokens);
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
            if (includeUsage && chunk.usage) out += sse(chunk);
            continue;
          }
          for (const choice of chunk.choices) {
            const content = choice.delta?.content;
            if (typeof content === 'string' && content.length > 0) {
              chars += content.length;
              choice.delta.content = patterns.size ? redactorOf(choice.index).push(content) : content;
            }
            if (choice.finish_reason && redactors.has(choice.index)) {
              const rest = redactors.get(choice.index)!.flush();
              if (rest) choice.delta = { ...choice.delta, content: (choice.delta?.content ?? '') + rest };
            }
          }
          const running = costOf(entry, promptTokens, Math.ceil(chars / 4));
          if (running > allowanceMicroUsd) {
            outcome.cut = true;
            if (out) yield out;
            break outer;
          }
          const empty = chunk.choices.every((c) => c.delta && Object.keys(c.delta).length === 1 && c.delta.content === '' && !c.finish_reason);
          if (!empty) out += sse(includeUsage || !chunk.usage ? chunk : { ...chunk, usage: undefined });
        }
        if (out) yield out;
      }
    } catch (err) {
      outcome.error = (err as Error).message;
    }
    let tail = '';
    if ((outcome.cut || outcome.error) && last) {
      for (const index of redactors.keys()) {
        const rest = flushChunk(last, index);
        if (rest) tail += sse(rest);
      }
      tail += sse({ ...last, choices: [{ index: 0, delta: {}, finish_reason: 'content_filter' }], usage: undefined });
      const code = outcome.cut ? 'budget_limit' : 'upstream_error';
      const message = outcome.cut ? 'Stream stopped: its running cost would pass what the budget leaves.' : `Upstream stream failed: ${outcome.error}`;
      tail += sse({ error: { message, type: outcome.cut ? 'policy_violation' : 'api_error', code, param: null, request_id: ctx.request_id } });
    } else if (patterns.size && last) {
      for (const index of redactors.keys()) {
        const rest = flushChunk(last, index);
        if (rest) tail += sse(rest);
      }
    }
    yield `${tail}data: [DONE]\n\n`;
    finished = true;
  } finally {
    if (!finished && !outcome.cut && !outcome.error) outcome.error = 'client went away';
    settle();
  }
}

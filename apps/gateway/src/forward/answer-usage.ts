import type { ChatCompletion } from '../providers/provider';

export interface AnswerUsage {
  usage: { prompt_tokens: number; completion_tokens: number };
  /** True when the upstream reported no (or partial) usage and the gateway counted it. */
  estimated: boolean;
}

/** Tokens ≈ characters / 4, the count streams and the prompt estimate use (chain/cost.ts says why and how far off). */
const tokensOf = (chars: number): number => Math.ceil(chars / 4);

/**
 * The usage to bill a non-streamed answer: the upstream's own, else counted from what it
 * answered — every choice's content, refusal and tool-call arguments — as streams do. An
 * upstream that omits `usage` (some OpenAI-compatible servers, a misbehaving proxy) is then
 * not billed as nearly free. The real BPE tokenizer (gpt-tokenizer) was measured at ~1.5 s to
 * load and ~0.5 µs per character on the event loop, for an estimate either way.
 */
export function answerUsage(body: ChatCompletion, promptEstimate: number): AnswerUsage {
  const reported = body.usage;
  const prompt = typeof reported?.prompt_tokens === 'number' ? reported.prompt_tokens : null;
  const completion =
    typeof reported?.completion_tokens === 'number' ? reported.completion_tokens : null;
  if (prompt !== null && completion !== null)
    return { usage: { prompt_tokens: prompt, completion_tokens: completion }, estimated: false };
  return {
    usage: {
      prompt_tokens: prompt ?? promptEstimate,
      completion_tokens: completion ?? tokensOf(answerChars(body)),
    },
    estimated: true,
  };
}

function answerChars(body: ChatCompletion): number {
  let chars = 0;
  for (const choice of body.choices ?? []) {
    const m = choice.message;
    if (!m) continue;
    if (typeof m.content === 'string') chars += m.content.length;
    if (typeof m.refusal === 'string') chars += m.refusal.length;
    const calls = Array.isArray(m.tool_calls)
      ? (m.tool_calls as { function?: { name?: unknown; arguments?: unknown } }[])
      : [];
    for (const c of calls) {
      if (typeof c.function?.name === 'string') chars += c.function.name.length;
      if (typeof c.function?.arguments === 'string') chars += c.function.arguments.length;
    }
  }
  return chars;
}

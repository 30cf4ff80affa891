import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { GovernanceSettings } from '@llmgov/policy-schema';
import type { ChatCompletion } from '../providers/provider';

/**
 * The confidence gate (seed 003's HITL "model confidence below threshold"): with
 * `hitl_confidence_threshold` set, the gateway asks the upstream for token log-probabilities,
 * takes the answer's mean token probability, and holds an answer below the threshold for
 * review instead of returning it. Pure: the adapter (held-requests.ts) does the I/O.
 */

type Settings = Pick<
  GovernanceSettings,
  'hitl_confidence_threshold' | 'hitl_confidence_on_unsupported'
>;

/** The gate's threshold, or null when it is off. */
export function confidenceThreshold(s: Settings): number | null {
  return s.hitl_confidence_threshold ?? null;
}

interface TokenLogprob {
  logprob?: unknown;
}

/**
 * Mean token probability of an answer: exp(logprob) of every content token of every choice,
 * averaged (OpenAI's `choices[].logprobs.content[]`; a refusal's tokens under
 * `logprobs.refusal[]` count too). Null when the answer carries no log-probabilities.
 */
export function meanTokenProbability(body: ChatCompletion): number | null {
  let sum = 0;
  let n = 0;
  for (const choice of body.choices) {
    const lp = choice.logprobs as { content?: unknown; refusal?: unknown } | null | undefined;
    for (const list of [lp?.content, lp?.refusal]) {
      if (!Array.isArray(list)) continue;
      for (const t of list as TokenLogprob[]) {
        if (typeof t?.logprob !== 'number' || !Number.isFinite(t.logprob)) continue;
        sum += Math.exp(Math.min(0, t.logprob));
        n += 1;
      }
    }
  }
  return n === 0 ? null : sum / n;
}

export type ConfidenceVerdict =
  | { kind: 'pass'; confidence: number | null; note: string | null }
  | { kind: 'hold'; confidence: number | null; detail: string };

/**
 * The gate's decision on one answer. `supported`: the provider can give log-probabilities;
 * an answer that carries none (unsupported provider, or an upstream that ignored the ask)
 * follows `hitl_confidence_on_unsupported` (`pass` by default, noted in the trace).
 */
export function judgeConfidence(
  s: Settings,
  supported: boolean,
  body: ChatCompletion,
): ConfidenceVerdict {
  const threshold = confidenceThreshold(s);
  if (threshold === null) return { kind: 'pass', confidence: null, note: null };
  const confidence = supported ? meanTokenProbability(body) : null;
  if (confidence === null) {
    const why = supported
      ? 'the upstream returned no log-probabilities'
      : 'the provider gives no log-probabilities';
    if (s.hitl_confidence_on_unsupported === 'hold')
      return { kind: 'hold', confidence: null, detail: `confidence unknown: ${why}` };
    return { kind: 'pass', confidence: null, note: `confidence gate not applied: ${why}` };
  }
  if (confidence < threshold)
    return {
      kind: 'hold',
      confidence,
      detail: `answer confidence ${confidence.toFixed(3)} is below the review threshold of ${threshold}`,
    };
  return { kind: 'pass', confidence, note: null };
}

/** Removes the log-probabilities the gateway asked for (the client did not). */
export function stripLogprobs(body: ChatCompletion): void {
  for (const choice of body.choices) choice.logprobs = null;
}

/**
 * A held answer sealed for storage at the approval service: AES-256-GCM under the gateway's
 * `HELD_ANSWER_KEY`, the approval id as associated data (a sealed answer cannot be replayed
 * under another approval). Format: `v1.<iv>.<tag>.<ciphertext>` (base64url).
 */
export function sealAnswer(key: Buffer, approvalId: string, answer: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(approvalId));
  const data = Buffer.concat([cipher.update(answer, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), data].map((p) => p.toString('base64url')).join('.');
}

/** The answer sealed by `sealAnswer`, or null when it was sealed under another key or approval. */
export function openAnswer(key: Buffer, approvalId: string, sealed: string): string | null {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || data === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(approvalId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(data, 'base64url')),
      decipher.final(),
    ]);
    return plain.toString('utf8');
  } catch {
    return null;
  }
}

/**
 * The sealing key from `HELD_ANSWER_KEY` (32 bytes, base64 or hex). Every gateway replica
 * must share it: a retry may reach another replica. Without it, a key random to this process
 * (a held answer is then lost when the process restarts; the embedded mode keeps one under its
 * data directory). An invalid value is a start-up error.
 */
export function heldAnswerKey(value: string | undefined): Buffer {
  if (!value) return randomBytes(32);
  const key = /^[0-9a-f]{64}$/i.test(value)
    ? Buffer.from(value, 'hex')
    : Buffer.from(value, 'base64');
  if (key.length !== 32)
    throw new Error('HELD_ANSWER_KEY must be 32 bytes, as 64 hex digits or base64');
  return key;
}

/**
 * A held answer as the SSE stream a streaming client asked for (the gate buffers streams):
 * the role, the whole content in one chunk, the finish, usage, `[DONE]`.
 */
export function completionAsEvents(body: ChatCompletion): string {
  const base = {
    id: body.id,
    object: 'chat.completion.chunk',
    created: body.created,
    model: body.model,
  };
  const events: unknown[] = [];
  for (const c of body.choices) {
    const { role, content, ...rest } = c.message;
    events.push({
      ...base,
      choices: [
        { index: c.index, delta: { role, content: content ?? '', ...rest }, finish_reason: null },
      ],
    });
    events.push({
      ...base,
      choices: [{ index: c.index, delta: {}, finish_reason: c.finish_reason }],
    });
  }
  if (body.usage) events.push({ ...base, choices: [], usage: body.usage });
  return `${events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('')}data: [DONE]\n\n`;
}

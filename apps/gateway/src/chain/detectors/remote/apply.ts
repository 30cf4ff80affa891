import type { RemoteGuardrail } from '@llmgov/policy-schema';
import {
  block,
  type Block,
  type ChainContext,
  type ChatRequest,
  lastUserText,
  type ErrorCode,
  type FindingSpan,
  type Verdict,
} from '@llmgov/chain';
import { fieldsOf, mapFields, type TextField } from '../fields';
import { runGuardrail, type RemoteResult } from './client';
import { categoriesOf, familyOf, homeFamilyOf, type Family, type RemoteHit } from './kinds';

/** The remote guardrails of a request: the fields sent and each guardrail's result. */
export interface RemoteRun {
  fields: TextField[];
  results: RemoteResult[];
}

const runs = new WeakMap<ChainContext, Promise<RemoteRun>>();

/** The org's guardrails for a direction (`applies_to` input, output or both). */
export function guardrailsFor(ctx: ChainContext, direction: 'input' | 'output'): RemoteGuardrail[] {
  const all = ctx.policy?.document.settings.remote_guardrails ?? [];
  return all.filter((g) => g.applies_to === direction || g.applies_to === 'both');
}

/**
 * Starts the input guardrails once per request, on every field that reaches the model as
 * the caller sent it (pii_scan calls this before its own scan, so the remote calls run
 * while the local detectors do); later scanners share the same run.
 */
export function startRemote(ctx: ChainContext): Promise<RemoteRun> | null {
  const guardrails = guardrailsFor(ctx, 'input');
  if (guardrails.length === 0 || !ctx.request) return null;
  let run = runs.get(ctx);
  if (!run) {
    const request = ctx.unredacted ?? ctx.request;
    const fields = fieldsOf(request);
    const texts = fields.map((f) => f.text);
    const prompt = lastUserText(request);
    run = Promise.all(
      guardrails.map((g) => runGuardrail(g, texts, 'input', prompt, ctx.signal)),
    ).then((results) => ({ fields, results }));
    runs.set(ctx, run);
  }
  return run;
}

const STEP_OF: Record<Family, 'pii_scan' | 'content_safety' | 'security_scan'> = {
  pii: 'pii_scan',
  content: 'content_safety',
  security: 'security_scan',
};

function codeOf(family: Family, category: string): ErrorCode {
  if (family === 'pii') return 'pii_detected';
  if (family === 'security')
    return category === 'data_exfiltration' ? 'data_exfiltration' : 'prompt_injection';
  return 'content_safety';
}

/** What a refusal asks the caller to change, naming the category. */
export function remediationOf(family: Family, category: string): string {
  const what = category.replace(/_/g, '-');
  if (family === 'pii') return `Remove the ${category} from the messages, or set it to redact.`;
  if (family === 'security')
    return `Remove the ${what} instructions aimed at the model or its tools from the request.`;
  return `Rephrase the request without ${what} content.`;
}

const round = (n: number): number => Math.round(n * 1e4) / 1e4;

/** Masks spans of a text, right to left (overlaps merged), as `[REDACTED:<category>]`. */
function maskSpans(text: string, hits: RemoteHit[]): string {
  const sorted = [...hits].sort((a, b) => b.start - a.start);
  let out = text;
  let limit = Infinity;
  for (const h of sorted) {
    const end = Math.min(h.end, limit);
    if (end <= h.start) continue;
    out = `${out.slice(0, h.start)}[REDACTED:${h.category}]${out.slice(end)}`;
    limit = h.start;
  }
  return out;
}

/** One family's remote outcome: a refusal, warnings, redactions (original text → masked). */
interface Collected {
  refusal: Block | null;
  warned: string[];
  redacted: string[];
  byText: Map<string, string>;
}

/** Records one family's remote findings and scores on the context and says what they ask for. */
function collect(ctx: ChainContext, family: Family, run: RemoteRun): Collected {
  const out: Collected = { refusal: null, warned: [], redacted: [], byText: new Map() };
  const masks = new Map<number, RemoteHit[]>();
  const replaced = new Map<number, string>();
  for (const r of run.results) {
    const g = r.guardrail;
    const detector = `remote:${g.name}`;
    if (r.error) {
      if (homeFamilyOf(g) !== family) continue;
      ctx.detector_scores.push({
        detector,
        label: 'error',
        score: 0,
        threshold: null,
        error: r.error,
      });
      if (g.on_error === 'fail_closed')
        out.refusal ??= block(
          'guardrail_unavailable',
          503,
          `remote guardrail ${g.name} did not answer (${r.error})`,
          {
            policy_type: STEP_OF[family],
            remediation: 'Retry later: the policy requires this guardrail (on_error: fail_closed).',
          },
        );
      continue;
    }
    const mine = r.hits.filter((h) => familyOf(h.category) === family);
    const best = new Map<string, number>();
    for (const c of new Set(Object.values(categoriesOf(g))))
      if (familyOf(c) === family) best.set(c, 0);
    for (const h of mine) best.set(h.category, Math.max(best.get(h.category) ?? 0, h.score));
    if (best.size === 0 && homeFamilyOf(g) === family) best.set(g.kind, 0);
    const scored = g.kind !== 'llama_guard' && g.kind !== 'webhook';
    for (const [label, score] of best)
      ctx.detector_scores.push({
        detector,
        label,
        score: round(score),
        threshold: scored ? g.threshold : null,
      });
    const fired = new Map<string, RemoteHit[]>();
    for (const h of mine) if (h.fired) fired.set(h.category, [...(fired.get(h.category) ?? []), h]);
    for (const [category, hits] of fired) {
      const spans: FindingSpan[] = hits.map((h) => ({
        field: run.fields[h.index]!.path,
        start: h.start,
        end: h.end,
      }));
      ctx.findings.push({
        detector,
        label: category,
        action: g.mode,
        score: round(Math.max(...hits.map((h) => h.score))),
        spans,
      });
      if (g.mode === 'block')
        out.refusal ??= block(
          codeOf(family, category),
          403,
          `remote guardrail ${g.name} flagged ${category}`,
          { policy_type: STEP_OF[family], remediation: remediationOf(family, category) },
        );
      else if (g.mode === 'warn') out.warned.push(`${category} (${g.name})`);
      else if (g.mode === 'redact') {
        out.redacted.push(`${category} (${g.name})`);
        for (const h of hits) {
          const t = r.texts?.[h.index];
          if (typeof t === 'string') replaced.set(h.index, t);
          else masks.set(h.index, [...(masks.get(h.index) ?? []), h]);
        }
      }
    }
  }
  for (const [i, t] of replaced) out.byText.set(run.fields[i]!.text, t);
  for (const [i, hits] of masks)
    if (!replaced.has(i)) out.byText.set(run.fields[i]!.text, maskSpans(run.fields[i]!.text, hits));
  return out;
}

/**
 * Combines one family's remote outcome with the step's local verdict: a local refusal
 * stands; else a remote `block` refuses (a `fail_closed` guardrail that gave no answer
 * refuses 503), `redact` masks, `warn` warns, `monitor` only records. `relocal` re-applies
 * the step's own redaction over the remote one.
 */
export function decideRemote(
  ctx: ChainContext,
  family: Family,
  local: Verdict,
  run: RemoteRun,
  relocal?: (request: ChatRequest) => ChatRequest,
): Verdict {
  const { refusal, warned, redacted, byText } = collect(ctx, family, run);
  if (local.kind === 'block' || local.kind === 'needs_approval') return local;
  if (refusal) return refusal;
  if (redacted.length > 0) {
    const original = ctx.unredacted ?? ctx.request!;
    let request = mapFields(original, (t) => byText.get(t) ?? t);
    if (local.kind === 'redact' && relocal) request = relocal(request);
    ctx.unredacted ??= original;
    return {
      kind: 'redact',
      request,
      code: codeOf(family, redacted[0]!.split(' ')[0]!),
      message: [local.kind === 'redact' ? local.message : null, `redacted ${redacted.join(', ')}`]
        .filter(Boolean)
        .join('; '),
      policy_id: null,
    };
  }
  if (local.kind === 'redact') return local;
  if (warned.length > 0) {
    const message = `remote guardrails flagged ${warned.join(', ')}`;
    return local.kind === 'warn'
      ? { ...local, message: `${local.message}; ${message}` }
      : { kind: 'warn', code: codeOf(family, warned[0]!.split(' ')[0]!), message, policy_id: null };
  }
  return local;
}

/** What the output guardrails decided on an answer: a refusal (with its step), or the messages to send. */
export interface AnswerVerdict {
  refusal: { step: 'pii_scan' | 'content_safety' | 'security_scan'; block: Block } | null;
}

/**
 * Runs the org's output guardrails (`applies_to` output or both) on a non-streamed answer:
 * every field of each choice's message (content, tool call arguments). Findings and scores
 * join the request's (spans name `choices[i].message.…`); `redact` masks the answer in
 * place; `block` withholds it. Null when the org has no output guardrails.
 */
export async function scanAnswer(
  ctx: ChainContext,
  messages: ChatRequest['messages'],
): Promise<AnswerVerdict | null> {
  const guardrails = guardrailsFor(ctx, 'output');
  if (guardrails.length === 0) return null;
  const answer: ChatRequest = { model: '', messages };
  const fields = fieldsOf(answer).map((f) => ({
    ...f,
    path: f.path.replace(/^messages\[(\d+)\]/, 'choices[$1].message'),
  }));
  const texts = fields.map((f) => f.text);
  const prompt = lastUserText(ctx.unredacted ?? ctx.request!);
  const results = await Promise.all(
    guardrails.map((g) => runGuardrail(g, texts, 'output', prompt, ctx.signal)),
  );
  const run = { fields, results };
  const verdict: AnswerVerdict = { refusal: null };
  const byText = new Map<string, string>();
  for (const family of ['pii', 'content', 'security'] as const) {
    const c = collect(ctx, family, run);
    if (c.refusal && !verdict.refusal)
      verdict.refusal = { step: STEP_OF[family], block: c.refusal };
    for (const [k, v] of c.byText) byText.set(k, v);
  }
  if (byText.size > 0) {
    const masked = mapFields(answer, (t) => byText.get(t) ?? t);
    masked.messages.forEach((m, i) => (messages[i] = m));
  }
  return verdict;
}

/** A step's verdict with the family's remote guardrails: the local verdict itself when the org has none. */
export function withRemote(
  ctx: ChainContext,
  family: Family,
  local: Verdict,
  relocal?: (request: ChatRequest) => ChatRequest,
): Verdict | Promise<Verdict> {
  const run = startRemote(ctx);
  if (!run) return local;
  return run.then((r) => decideRemote(ctx, family, local, r, relocal));
}

import type { ErrorCode } from './codes';
import type { ChainContext } from './context';
import type { ChainStep } from './step';
import type { StepId } from './step-ids';
import { STEP_IDS } from './step-ids';
import type { Block, Verdict } from './verdict';

/** One line of the decision trace (`request.completed.decision`, explain). */
export interface StepTrace {
  step: StepId;
  verdict: Verdict['kind'] | 'skipped';
  code: ErrorCode | null;
  policy_id: string | null;
  duration_ms: number;
  message?: string;
}

export type ChainOutcome =
  | { kind: 'forward'; warnings: StepTrace[] }
  | { kind: 'block'; step: StepId; verdict: Block }
  | { kind: 'needs_approval'; step: StepId; verdict: Extract<Verdict, { kind: 'needs_approval' }> };

export interface ChainResult {
  outcome: ChainOutcome;
  trace: StepTrace[];
  governance_ms: number;
}

/** Steps that need what an earlier step filled; when it is missing (explain after a block) they are skipped. */
const NEEDS_PRINCIPAL = new Set<StepId>(STEP_IDS.slice(1));
const NEEDS_REQUEST = new Set<StepId>(STEP_IDS.slice(2));

/**
 * Runs the steps in order (awaiting only a step that answers a promise), stopping at the first block or needs-approval. With
 * `ctx.dry_run` (explain) it goes on past a refusal to show every step's verdict, and
 * the outcome is the first refusal.
 */
export async function runChain(
  steps: readonly ChainStep[],
  ctx: ChainContext,
  clock: () => number = performance.now.bind(performance),
): Promise<ChainResult> {
  const trace: StepTrace[] = [];
  const started = clock();
  let outcome: ChainOutcome | null = null;
  for (const step of steps) {
    if (
      (NEEDS_PRINCIPAL.has(step.id) && !ctx.principal) ||
      (NEEDS_REQUEST.has(step.id) && !ctx.request)
    ) {
      trace.push({
        step: step.id,
        verdict: 'skipped',
        code: null,
        policy_id: null,
        duration_ms: 0,
      });
      continue;
    }
    const t0 = clock();
    const ran = step.run(ctx);
    const verdict = ran instanceof Promise ? await ran : ran;
    const duration_ms = round3(clock() - t0);
    trace.push(traceOf(step.id, verdict, duration_ms));
    if (verdict.kind === 'redact') ctx.request = verdict.request;
    if (verdict.kind === 'block' || verdict.kind === 'needs_approval') {
      if (!outcome)
        outcome =
          verdict.kind === 'block'
            ? { kind: 'block', step: step.id, verdict }
            : { kind: 'needs_approval', step: step.id, verdict };
      if (!ctx.dry_run) break;
    }
  }
  return {
    outcome: outcome ?? {
      kind: 'forward',
      warnings: trace.filter((t) => t.verdict === 'warn' || t.verdict === 'redact'),
    },
    trace,
    governance_ms: round3(clock() - started),
  };
}

function traceOf(step: StepId, v: Verdict, duration_ms: number): StepTrace {
  switch (v.kind) {
    case 'allow':
      return { step, verdict: 'allow', code: null, policy_id: v.policy_id ?? null, duration_ms };
    case 'warn':
    case 'redact':
      return {
        step,
        verdict: v.kind,
        code: v.code,
        policy_id: v.policy_id,
        duration_ms,
        message: v.message,
      };
    case 'block':
      return {
        step,
        verdict: 'block',
        code: v.code,
        policy_id: v.policy_id,
        duration_ms,
        message: v.message,
      };
    case 'needs_approval':
      return {
        step,
        verdict: 'needs_approval',
        code: 'approval_required',
        policy_id: v.policy_id,
        duration_ms,
        message: v.detail,
      };
    default: {
      const never: never = v;
      throw new Error(`unknown verdict ${(never as Verdict).kind}`);
    }
  }
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

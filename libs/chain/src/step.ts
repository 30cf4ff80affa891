import type { ChainContext } from './context';
import type { StepId } from './step-ids';
import type { Verdict } from './verdict';

/**
 * One step of the chain: one id, one decision over the context. Decisions are synchronous
 * except where an org's remote guardrails are awaited (the scanners, docs/guardrails.md).
 */
export interface ChainStep {
  readonly id: StepId;
  run(ctx: ChainContext): Verdict | Promise<Verdict>;
}

/** A step that always decides synchronously (every step but the scanners). */
export interface SyncChainStep extends ChainStep {
  run(ctx: ChainContext): Verdict;
}

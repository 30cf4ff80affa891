import type { ChainContext } from './context';
import type { StepId } from './step-ids';
import type { Verdict } from './verdict';

/** One step of the chain: one id, one synchronous decision over the context (nothing awaited on the hot path). */
export interface ChainStep {
  readonly id: StepId;
  run(ctx: ChainContext): Verdict;
}

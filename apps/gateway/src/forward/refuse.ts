import type { Block, ChainContext, ChainResult, StepId } from '@llmgov/chain';
import { governanceHeaders } from './governance-headers';
import { refusal, type HttpOut } from './http';
import { completionOf, type Settler } from './settle';

/**
 * A refusal before the upstream answered: settled (reservation released, `policy.violated`
 * and `request.completed` queued) and answered in the contract's error shape.
 */
export function refuse(
  settler: Settler,
  ctx: ChainContext,
  result: ChainResult,
  step: StepId | null,
  b: Block,
): HttpOut {
  settler.settle(ctx, result, {
    reservation: 'release',
    completion: completionOf(ctx, result, 'refused', b.status),
    violation: { step, block: b },
  });
  const cost = ctx.estimate?.cost_micro_usd ?? 0;
  const headers = governanceHeaders(ctx, result.governance_ms, cost, b.retry_after_s);
  return refusal(b, step, ctx.request_id, ctx.policy, headers);
}

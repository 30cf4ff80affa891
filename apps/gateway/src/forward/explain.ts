import { runChain } from '@llmgov/chain';
import { CHAIN_STEPS } from '../chain/steps';
import { governanceHeaders } from './governance-headers';
import { json, refusal, type HttpIn, type HttpOut } from './http';
import { requestContext, type ContextDeps } from './request-context';

/**
 * `POST /v1/governance/explain`: the 13-step trace, counting and reserving nothing, calling no
 * provider.
 */
export async function explain(deps: ContextDeps, input: HttpIn): Promise<HttpOut> {
  const ctx = requestContext(deps, input, true);
  const result = await runChain(CHAIN_STEPS, ctx);
  const headers = governanceHeaders(ctx, result.governance_ms, ctx.estimate?.cost_micro_usd ?? 0);
  const o = result.outcome;
  if (o.kind === 'block' && o.step === 'authenticate' && o.verdict.status === 401)
    return refusal(o.verdict, o.step, ctx.request_id, ctx.policy, headers);
  const decided = o.kind === 'forward' ? null : o;
  return json(200, headers, {
    request_id: ctx.request_id,
    decision: o.kind === 'forward' ? 'allow' : o.kind,
    decided_by: decided
      ? {
          step: decided.step,
          code: decided.kind === 'block' ? decided.verdict.code : 'approval_required',
          message: decided.kind === 'block' ? decided.verdict.message : decided.verdict.detail,
        }
      : null,
    policy: ctx.policy
      ? {
          policy_id: ctx.policy.policy_id,
          version_id: ctx.policy.version_id,
          policy_version: ctx.policy.policy_version,
          digest: ctx.policy.digest,
          signed_by: ctx.policy.signed_by,
          effective_date: ctx.policy.effective_date,
        }
      : null,
    model: ctx.pool[0]?.id ?? ctx.request?.model ?? null,
    routing_pool: ctx.pool.map((m) => m.id),
    estimated_cost_usd: ctx.estimate ? (ctx.estimate.cost_micro_usd / 1e6).toFixed(6) : null,
    governance_ms: result.governance_ms,
    steps: result.trace.map((t, i) => ({
      number: i + 1,
      step: t.step,
      verdict: t.verdict,
      code: t.code,
      policy_id: t.policy_id,
      policy_version: ctx.policy?.policy_version ?? null,
      duration_ms: t.duration_ms,
      ...(t.message ? { message: t.message } : {}),
    })),
    findings: ctx.findings,
    detector_scores: ctx.detector_scores,
  });
}

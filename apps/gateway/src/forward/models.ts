import { emptyMeta, newContext } from '@llmgov/chain';
import { MODEL_CATALOGUE, resolveModel } from '@llmgov/policy-schema';
import { authenticateStep } from '../chain/steps/authenticate.step';
import { modelAccessStep } from '../chain/steps/model-access.step';
import { providerGateStep } from '../chain/steps/provider-gate.step';
import { routingPoolStep } from '../chain/steps/routing-pool.step';
import type { ProviderRegistry } from '../providers/provider-registry';
import { routeOf } from '../routing/order-deployments';
import { governanceHeaders } from './governance-headers';
import { json, refusal, type HttpIn, type HttpOut } from './http';
import { requestContext, type ContextDeps } from './request-context';

const MODEL_STEPS = [providerGateStep, modelAccessStep, routingPoolStep];
/**
 * `GET /v1/models`: the catalogue models this caller's policy allows and this gateway can call
 * (an OpenAI model list).
 */
export function models(
  deps: ContextDeps & { providers: ProviderRegistry },
  input: HttpIn,
): HttpOut {
  const ctx = requestContext(deps, input, true);
  const auth = authenticateStep.run(ctx);
  const headers = governanceHeaders(ctx, 0, 0);
  if (auth.kind === 'block')
    return refusal(auth, 'authenticate', ctx.request_id, ctx.policy, headers);
  const data = [];
  for (const m of MODEL_CATALOGUE) {
    // No key here and no deployment of the org's: calling it would answer 503.
    const routes = ctx.policy?.document.settings.model_deployments;
    if (!deps.providers.get(m.provider) && !routeOf(routes, m.id, resolveModel)) continue;
    const probe = newContext({
      request_id: ctx.request_id,
      now: ctx.now,
      headers: {},
      raw_body: null,
      views: deps.views,
      dry_run: true,
      request: { model: m.id, messages: [] },
    });
    probe.principal = ctx.principal;
    probe.policy = ctx.policy;
    probe.meta = emptyMeta();
    if (MODEL_STEPS.every((step) => step.run(probe).kind !== 'block'))
      data.push({ id: m.id, object: 'model', created: 0, owned_by: m.provider });
  }
  return json(200, headers, { object: 'list', data });
}

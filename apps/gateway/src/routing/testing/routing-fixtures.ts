import type { ChainContext, ResolvedModel } from '@llmgov/chain';
import type { ModelDeployment } from '@llmgov/policy-schema';
import type { UpstreamResult } from '../../providers/provider';

/** Fixtures of the routing tests and bench: a model, a context of org_a, deployments, answers. */
export const gpt4o: ResolvedModel = {
  id: 'gpt-4o',
  provider: 'openai',
  upstreamModel: 'gpt-4o',
  entry: null,
};

export const orgContext = { principal: { org_id: 'org_a' } } as unknown as ChainContext;

export const deployment = (id: string, extra: Partial<ModelDeployment> = {}): ModelDeployment => ({
  id,
  provider: 'openai',
  base_url: `https://${id}.example/v1`,
  ...extra,
});

export const answered: UpstreamResult = {
  kind: 'json',
  body: { id: 'x', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [] },
};

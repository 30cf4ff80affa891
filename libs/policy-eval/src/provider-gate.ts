import type { PolicyDocument } from '@llmgov/policy-schema';
import {
  block,
  configOf,
  exceptionFor,
  rulesFor,
  type Block,
  type Principal,
  type ResolvedModel,
} from '@llmgov/chain';

/** A requested model that resolves to no catalogue entry and no `provider/model` name: a 400. */
export const unknownModel = (name: string): Block =>
  block(
    'unknown_model',
    400,
    `Unknown model '${name}': use a catalogue name (gpt-4o) or provider/model.`,
    { param: 'model' },
  );

/**
 * Step 6 for one model: a `block_provider` rule naming its provider, or a provider outside the
 * deployer's `allowed_providers`; a live provider exception covering the principal lifts both.
 */
export function providerRefusal(
  doc: PolicyDocument,
  p: Principal,
  m: ResolvedModel,
  now: Date,
): Block | null {
  if (exceptionFor(doc, 'provider', m.provider, p, now)) return null;
  for (const rule of rulesFor(doc, 'block_provider', p)) {
    if (configOf(rule).provider === m.provider) {
      return block('block_provider', 403, `provider '${m.provider}' is blocked`, {
        policy_id: rule.id,
        policy_type: 'block_provider',
        remediation: 'Use a model of another provider.',
      });
    }
  }
  const allowed = doc.deployer.allowed_providers;
  if (allowed !== null && !allowed.includes(m.provider)) {
    return block(
      'block_provider',
      403,
      `provider '${m.provider}' is not in the allowed providers`,
      {
        policy_type: 'allowed_providers',
        remediation: `Use a model of: ${allowed.join(', ')}`,
      },
    );
  }
  return null;
}

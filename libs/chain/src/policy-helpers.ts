import type {
  PolicyDocument,
  PolicyException,
  PolicyRule,
  PolicyType,
  RuleConfig,
} from '@llmgov/policy-schema';
import type { Principal } from './context';

/** The enabled rules of a type that apply to this principal (global, or its team, agent or key). */
export function rulesFor<T extends PolicyType>(
  doc: PolicyDocument,
  type: T,
  p: Principal,
): PolicyRule<T>[] {
  const out: PolicyRule<T>[] = [];
  for (const r of doc.rules) {
    if (!r.enabled || r.policy_type !== type) continue;
    if (
      r.scope === 'global' ||
      (r.scope === 'team' && r.team_id !== null && r.team_id === p.team_id) ||
      (r.scope === 'agent' && r.agent_id !== null && r.agent_id === p.agent_id) ||
      (r.scope === 'key' && r.key_id !== null && r.key_id === p.key_id)
    ) {
      out.push(r as unknown as PolicyRule<T>);
    }
  }
  return out;
}

export const configOf = <T extends PolicyType>(r: PolicyRule<T>): RuleConfig<T> =>
  r.config as RuleConfig<T>;

/** A live exception of this kind for this target that covers the principal. */
export function exceptionFor(
  doc: PolicyDocument,
  kind: PolicyException['kind'],
  target: string,
  p: Principal,
  now: Date,
): PolicyException | undefined {
  const t = now.getTime();
  return doc.exceptions.find(
    (e) =>
      e.kind === kind &&
      e.target === target &&
      Date.parse(e.expires_at) > t &&
      (e.scope === 'org' ||
        (e.scope === 'team' && e.scope_id === p.team_id) ||
        (e.scope === 'agent' && e.scope_id === p.agent_id) ||
        (e.scope === 'key' && e.scope_id === p.key_id)),
  );
}

/** USD decimal → integer micro-dollars. */
export const toMicro = (usd: number): number => Math.round(usd * 1_000_000);
/** Integer micro-dollars → USD decimal string with 6 places (headers). */
export const microToUsd = (micro: number): string => (micro / 1_000_000).toFixed(6);

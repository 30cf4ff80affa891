import {
  POLICY_TEMPLATES,
  SCOPE_ID_FIELD,
  deployerPolicy,
  governanceSettings,
  verifySignature,
  ruleConfigSchema,
  type CreateRuleInput,
  type DeployerPolicy,
  type GovernanceSettingsPatch,
  type PolicyDocument,
  type PolicyRule,
  type TemplateName,
  type UpdateRuleInput,
} from '@llmgov/policy-schema';
import { accept, isRefused, refuse, type Decision, type Refused } from '@llmgov/eventstore';
import { parseOrRefuse } from '@llmgov/service-kit';
import type { DecideContext, OrgEvent } from './org-events';
import { headVersion, principalId, versionById, type OrgState } from './org-state';
import { keysOfPrincipal, verifyingKey } from './signers.decide';
import { requireOrg, unknownRef } from './tenancy.decide';
import { activation, newVersion, validSigners } from './versions';

type StoredRule = PolicyDocument['rules'][number];

/** A copy of the newest version's document to change (404 without an org). */
export function headDocument(state: OrgState): PolicyDocument | Refused {
  const org = requireOrg(state);
  if (isRefused(org)) return org;
  const head = headVersion(state);
  if (!head) throw new Error('an org without a policy document');
  return structuredClone(head.document);
}

/** PUT settings: fields left out keep their value; `pii_patterns` merges per pattern. */
export function changeSettings(
  state: OrgState,
  patch: GovernanceSettingsPatch,
  ctx: DecideContext,
): Decision<OrgEvent> {
  const doc = headDocument(state);
  if (isRefused(doc)) return doc;
  const merged = {
    ...doc.settings,
    ...patch,
    pii_patterns: { ...doc.settings.pii_patterns, ...(patch.pii_patterns ?? {}) },
  };
  const settings = parseOrRefuse(governanceSettings, merged, 'settings');
  if (isRefused(settings)) return settings;
  doc.settings = settings;
  return accept(newVersion(state, doc, { kind: 'settings_changed' }, ctx));
}

/** The scope's id must name a team, agent or key of this org (else 400 naming the field). */
function checkScopeRefs(
  state: OrgState,
  rule: Pick<StoredRule, 'scope' | 'team_id' | 'agent_id' | 'key_id'>,
): Refused | null {
  const field = SCOPE_ID_FIELD[rule.scope];
  if (!field) return null;
  const id = rule[field] as string;
  const exists =
    field === 'team_id'
      ? state.teams.has(id)
      : field === 'agent_id'
        ? state.agents.has(id)
        : state.keys.get(id)?.kind === 'gateway';
  return exists ? null : unknownRef(field, id);
}

export function createRule(
  state: OrgState,
  input: CreateRuleInput,
  ctx: DecideContext,
): Decision<OrgEvent, PolicyRule> {
  const doc = headDocument(state);
  if (isRefused(doc)) return doc;
  const rule: StoredRule = {
    id: ctx.newId('pol'),
    name: input.name,
    description: input.description ?? null,
    policy_type: input.policy_type,
    config: input.config,
    scope: input.scope,
    team_id: input.team_id ?? null,
    agent_id: input.agent_id ?? null,
    key_id: input.key_id ?? null,
    enabled: input.enabled,
    created_at: ctx.now,
    updated_at: ctx.now,
  };
  const badRef = checkScopeRefs(state, rule);
  if (badRef) return badRef;
  doc.rules.push(rule);
  const events = newVersion(state, doc, { kind: 'rule_created', rule_id: rule.id }, ctx);
  return accept(events, rule as PolicyRule);
}

export function updateRule(
  state: OrgState,
  cmd: { rule_id: string; patch: UpdateRuleInput },
  ctx: DecideContext,
): Decision<OrgEvent, PolicyRule> {
  const doc = headDocument(state);
  if (isRefused(doc)) return doc;
  const index = doc.rules.findIndex((r) => r.id === cmd.rule_id);
  if (index < 0) return refuse('not_found', 'not_found', `Policy ${cmd.rule_id} not found`);
  const current = doc.rules[index];
  const { patch } = cmd;
  const next: StoredRule = { ...current, updated_at: ctx.now };
  for (const field of ['name', 'description', 'enabled'] as const)
    if (patch[field] !== undefined) (next as Record<string, unknown>)[field] = patch[field];
  if (patch.config !== undefined) {
    const config = parseOrRefuse(ruleConfigSchema(current.policy_type), patch.config, 'config');
    if (isRefused(config)) return config;
    next.config = config as Record<string, unknown>;
  }
  if (patch.scope !== undefined) {
    next.scope = patch.scope;
    next.team_id = next.agent_id = next.key_id = null;
  }
  for (const field of ['team_id', 'agent_id', 'key_id'] as const)
    if (patch[field] !== undefined) next[field] = patch[field] ?? null;
  const needed = SCOPE_ID_FIELD[next.scope];
  for (const field of ['team_id', 'agent_id', 'key_id'] as const) {
    const wrong =
      field === needed && !next[field]
        ? 'required'
        : field !== needed && next[field]
          ? 'not allowed'
          : null;
    if (wrong)
      return refuse(
        'invalid',
        'validation_failed',
        `${field} is ${wrong} when scope is '${next.scope}'`,
        [{ field, message: `${wrong} when scope is '${next.scope}'` }],
      );
  }
  const badRef = checkScopeRefs(state, next);
  if (badRef) return badRef;
  doc.rules[index] = next;
  const events = newVersion(state, doc, { kind: 'rule_updated', rule_id: next.id }, ctx);
  return accept(events, next as PolicyRule);
}

export function deleteRule(
  state: OrgState,
  cmd: { rule_id: string },
  ctx: DecideContext,
): Decision<OrgEvent> {
  const doc = headDocument(state);
  if (isRefused(doc)) return doc;
  const before = doc.rules.length;
  doc.rules = doc.rules.filter((r) => r.id !== cmd.rule_id);
  if (doc.rules.length === before)
    return refuse('not_found', 'not_found', `Policy ${cmd.rule_id} not found`);
  return accept(newVersion(state, doc, { kind: 'rule_deleted', rule_id: cmd.rule_id }, ctx));
}

export interface PublishCommand {
  template?: TemplateName;
  deployer: Partial<DeployerPolicy>;
  effective_date?: string;
}

/** A new deployer version: the head's deployer, then the template's, then the given fields. */
export function publish(
  state: OrgState,
  cmd: PublishCommand,
  ctx: DecideContext,
): Decision<OrgEvent> {
  const doc = headDocument(state);
  if (isRefused(doc)) return doc;
  const template = cmd.template ? POLICY_TEMPLATES[cmd.template] : null;
  if (template) {
    const settings = parseOrRefuse(
      governanceSettings,
      {
        ...doc.settings,
        ...template.settings,
        pii_patterns: { ...doc.settings.pii_patterns, ...(template.settings.pii_patterns ?? {}) },
      },
      'template settings',
    );
    if (isRefused(settings)) return settings;
    doc.settings = settings;
  }
  const deployer = parseOrRefuse(
    deployerPolicy,
    { ...doc.deployer, ...(template?.deployer ?? {}), ...cmd.deployer },
    'deployer policy',
  );
  if (isRefused(deployer)) return deployer;
  doc.deployer = deployer;
  const cause = { kind: 'published' as const, template: cmd.template ?? null };
  return accept(newVersion(state, doc, cause, ctx, cmd.effective_date ?? ctx.now));
}

/**
 * Adds a signature, verified on arrival against the keys the caller registered for that
 * signer; a forged one is refused (400), another principal's signer 403. The version
 * activates when signers of `required_signers` distinct principals have signed.
 */
export function sign(
  state: OrgState,
  cmd: { version_id: string; signer: string; signature: string },
  ctx: DecideContext,
): Decision<OrgEvent> {
  const org = requireOrg(state);
  if (isRefused(org)) return org;
  const version = versionById(state, cmd.version_id);
  if (!version)
    return refuse('not_found', 'not_found', `Policy version ${cmd.version_id} not found`);
  if (version.status === 'superseded')
    return refuse(
      'conflict',
      'version_superseded',
      `Policy version ${version.version_id} is superseded; sign the newest version`,
    );
  if (version.signatures.some((s) => s.signer === cmd.signer))
    return refuse(
      'conflict',
      'already_signed',
      `${cmd.signer} already signed version ${version.policy_version}`,
    );
  const keys = keysOfPrincipal(state, cmd.signer, ctx.actor);
  if (isRefused(keys)) return keys;
  const me = principalId(ctx.actor);
  const signedBy = (s: { signer_key_id: string }) =>
    state.signers.get(s.signer_key_id)?.registered_by;
  if (
    version.signatures.some((s) => {
      const by = signedBy(s);
      return by !== undefined && principalId(by) === me;
    })
  ) {
    const message = `This principal already signed version ${version.policy_version}: a quorum counts principals`;
    return refuse('conflict', 'already_signed', message);
  }
  const content = {
    org_id: org.org_id,
    policy_id: version.policy_id,
    policy_version: version.policy_version,
    effective_date: version.effective_date,
    document: version.document,
  };
  const key = verifyingKey(
    keys,
    (publicKey) => verifySignature(content, cmd.signature, publicKey),
    "the canonical version with the signer's key",
  );
  if (isRefused(key)) return key;
  const signed: OrgEvent = {
    type: 'version.signed',
    data: {
      org_id: org.org_id,
      version_id: version.version_id,
      signer: cmd.signer,
      signer_key_id: key.signer_key_id,
      signature: cmd.signature,
      signed_at: ctx.now,
      actor: ctx.actor,
    },
  };
  if (version.status === 'active') return accept([signed]);
  const after = structuredClone(state);
  const v = versionById(after, version.version_id)!;
  v.signatures.push({ ...signed.data });
  if (validSigners(after, v).size < v.required_signers) return accept([signed]);
  return accept([signed, activation(after, v.version_id, ctx.now)]);
}

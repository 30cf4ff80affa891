import { DEFAULT_DEPLOYER, PLAN_DEFAULTS } from '@llmgov/policy-schema';
import type { EventOf } from './topic';
import type { tenancyTopic } from './tenancy.events';
import type { policyTopic } from './policy.events';
import type { requestsTopic, policyViolatedTopic, replicasTopic } from './gateway.events';
import type { budgetTopic } from './budget.events';
import type { approvalsTopic, agentReviewsTopic } from './approval.events';

const at = '2026-04-01T10:00:00.000Z';
const base = <T extends string>(type: T, subject: string, n: number) => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type,
  source: '/examples',
  time: at,
  subject,
});
const admin = { kind: 'admin_key' as const, id: 'msh_key_example' };
const principal = {
  request_id: 'req_example',
  org_id: 'org_example',
  team_id: 'team_example',
  key_id: 'gk_key_example',
  agent_id: 'agt_example',
  session_id: null,
  environment: 'production',
};
/** Request events also name the end user (OpenAI `user`, Anthropic `metadata.user_id`). */
const requester = { ...principal, end_user: 'user_8f2c' };
const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };

/** One example of every event type, valid against its schema (a test checks it); used in docs and tests. */
export const exampleEvents = {
  'org.created': {
    ...base('org.created', 'org_example', 1),
    data: { org_id: 'org_example', name: 'Acme', plan: 'growth', created_at: at, actor: admin },
  },
  'team.created': {
    ...base('team.created', 'org_example', 2),
    data: {
      org_id: 'org_example',
      team_id: 'team_example',
      name: 'Support',
      created_at: at,
      actor: admin,
    },
  },
  'agent.created': {
    ...base('agent.created', 'org_example', 3),
    data: {
      org_id: 'org_example',
      agent_id: 'agt_example',
      team_id: 'team_example',
      name: 'triage-bot',
      environment: 'production',
      created_at: at,
      actor: admin,
    },
  },
  'key.created': {
    ...base('key.created', 'org_example', 4),
    data: {
      org_id: 'org_example',
      key_id: 'key_example',
      kind: 'gateway',
      role: null,
      platform_owner: false,
      team_id: 'team_example',
      agent_id: 'agt_example',
      name: 'triage',
      key_hash: 'a'.repeat(64),
      prefix: 'gk_3f9a',
      created_at: at,
      actor: admin,
    },
  },
  'key.revoked': {
    ...base('key.revoked', 'org_example', 5),
    data: { org_id: 'org_example', key_id: 'key_example', revoked_at: at, actor: admin },
  },
  'policy.published': {
    ...base('policy.published', 'org_example', 6),
    data: {
      org_id: 'org_example',
      policy_id: 'pdoc_example',
      version_id: 'pv_example',
      policy_version: 42,
      status: 'active',
      digest: 'sha256:' + 'b'.repeat(64),
      signatures: [],
      required_signers: 0,
      signer_keys: {},
      effective_date: at,
      document: {
        org_id: 'org_example',
        plan: 'growth',
        settings: PLAN_DEFAULTS.growth,
        rules: [],
        deployer: DEFAULT_DEPLOYER,
        exceptions: [],
      },
      actor: admin,
    },
  },
  'policy.rule.created': {
    ...base('policy.rule.created', 'org_example', 7),
    data: {
      org_id: 'org_example',
      rule_id: 'pol_example',
      policy_type: 'model_allowlist',
      policy_version: 43,
      rule: { allowed_models: ['gpt-4o'] },
      actor: admin,
    },
  },
  'policy.rule.updated': {
    ...base('policy.rule.updated', 'org_example', 8),
    data: {
      org_id: 'org_example',
      rule_id: 'pol_example',
      policy_type: 'model_allowlist',
      policy_version: 44,
      rule: { enabled: false },
      actor: admin,
    },
  },
  'policy.rule.deleted': {
    ...base('policy.rule.deleted', 'org_example', 9),
    data: {
      org_id: 'org_example',
      rule_id: 'pol_example',
      policy_type: 'model_allowlist',
      policy_version: 45,
      rule: null,
      actor: admin,
    },
  },
  'policy.signed': {
    ...base('policy.signed', 'org_example', 10),
    data: {
      org_id: 'org_example',
      version_id: 'pv_example',
      policy_version: 42,
      signer: 'alice@example.com',
      actor: admin,
    },
  },
  'policy.signer.registered': {
    ...base('policy.signer.registered', 'org_example', 11),
    data: {
      org_id: 'org_example',
      signer: 'alice@example.com',
      signer_key_id: 'sk_alice',
      public_key: 'MCowBQYDK2VwAyEA' + 'A'.repeat(43) + '=',
      actor: admin,
    },
  },
  'compliance.remediation.applied': {
    ...base('compliance.remediation.applied', 'org_example', 23),
    data: {
      org_id: 'org_example',
      remediation_id: 'art12_record_keeping',
      check_id: 'art12_record_keeping',
      article: 'Art. 12',
      model_version: '2026-11.1',
      version_id: 'pv_example2',
      policy_version: 43,
      status: 'active',
      diff: [{ path: 'deployer.retention_days', before: 90, after: 183 }],
      score_before: 81.3,
      score_after: 87.5,
      actor: admin,
    },
  },
  'request.admitted': {
    ...base('request.admitted', 'req_example', 12),
    data: {
      ...requester,
      model: 'gpt-4o-mini',
      provider: 'openai',
      tags: ['support'],
      reserved_micro_usd: 1200,
      reservation_expires_at: at,
      replica_id: 'gw-1',
      admitted_at: at,
    },
  },
  'request.completed': {
    ...base('request.completed', 'req_example', 13),
    data: {
      ...requester,
      model: 'gpt-4o-mini',
      provider: 'openai',
      outcome: 'forwarded',
      http_status: 200,
      usage,
      cost_micro_usd: 5,
      reserved_micro_usd: 1200,
      tags: ['support'],
      streamed: false,
      policy_id: 'pdoc_example',
      policy_version: 42,
      decision: [
        { step: 'authenticate', verdict: 'allow', code: null, policy_id: null, duration_ms: 0.02 },
      ],
      governance_ms: 0.4,
      upstream_ms: 310,
      replica_id: 'gw-1',
      started_at: at,
      completed_at: at,
    },
  },
  'replica.heartbeat': {
    ...base('replica.heartbeat', 'gw-1', 23),
    data: { replica_id: 'gw-1', started_at: at, sent_at: at, interval_ms: 1000 },
  },
  'policy.violated': {
    ...base('policy.violated', 'req_example', 14),
    data: {
      ...principal,
      model: 'gpt-3.5-turbo',
      provider: 'openai',
      step: 'model_access',
      code: 'model_allowlist',
      http_status: 403,
      message:
        "Policy violation: model_allowlist — model 'gpt-3.5-turbo' is not in the allowed list",
      policy_id: 'pol_example',
      policy_doc_id: 'pdoc_example',
      policy_version: 42,
      findings: [],
      occurred_at: at,
    },
  },
  'budget.threshold_reached': {
    ...base('budget.threshold_reached', 'org_example', 15),
    data: {
      org_id: 'org_example',
      scope: 'org',
      scope_id: 'org_example',
      period: 'day',
      period_start: '2026-04-01T00:00:00.000Z',
      limit_micro_usd: 10_000_000,
      spent_micro_usd: 8_000_000,
      threshold_pct: 80,
    },
  },
  'budget.exceeded': {
    ...base('budget.exceeded', 'org_example', 16),
    data: {
      org_id: 'org_example',
      scope: 'team',
      scope_id: 'team_example',
      period: 'day',
      period_start: '2026-04-01T00:00:00.000Z',
      limit_micro_usd: 1_000_000,
      spent_micro_usd: 1_000_400,
      request_id: 'req_example',
    },
  },
  'approval.requested': {
    ...base('approval.requested', 'apr_example', 17),
    data: {
      approval_id: 'apr_example',
      org_id: 'org_example',
      team_id: 'team_example',
      key_id: 'key_example',
      agent_id: 'agt_example',
      environment: 'production',
      request_id: 'req_example',
      fingerprint: 'sha256:' + 'c'.repeat(64),
      model: 'gpt-4o',
      provider: 'openai',
      estimated_cost_micro_usd: 12_000_000,
      trigger: { kind: 'cost_gate', policy_id: null, detail: 'estimated $12.00 ≥ $10.00' },
      preview: null,
      policy_version: 42,
      requested_at: at,
      expires_at: '2026-04-02T10:00:00.000Z',
    },
  },
  'approval.granted': {
    ...base('approval.granted', 'apr_example', 18),
    data: {
      approval_id: 'apr_example',
      org_id: 'org_example',
      reviewer: admin,
      reason: 'ok for this ticket',
      decided_at: at,
    },
  },
  'approval.rejected': {
    ...base('approval.rejected', 'apr_example', 19),
    data: {
      approval_id: 'apr_example',
      org_id: 'org_example',
      reviewer: admin,
      reason: 'too expensive',
      decided_at: at,
    },
  },
  'approval.expired': {
    ...base('approval.expired', 'apr_example', 20),
    data: { approval_id: 'apr_example', org_id: 'org_example', expired_at: at },
  },
  'approval.consumed': {
    ...base('approval.consumed', 'apr_example', 21),
    data: {
      approval_id: 'apr_example',
      org_id: 'org_example',
      request_id: 'req_example2',
      consumed_at: at,
    },
  },
  'agent.review.recorded': {
    ...base('agent.review.recorded', 'agt_example', 22),
    data: {
      org_id: 'org_example',
      agent_id: 'agt_example',
      reviewer: admin,
      notes: 'quarterly review',
      reviewed_at: at,
      next_review_due: '2026-04-08T10:00:00.000Z',
    },
  },
} satisfies {
  [
    K in
      | EventOf<typeof tenancyTopic>
      | EventOf<typeof policyTopic>
      | EventOf<typeof requestsTopic>
      | EventOf<typeof replicasTopic>
      | EventOf<typeof policyViolatedTopic>
      | EventOf<typeof budgetTopic>
      | EventOf<typeof approvalsTopic>
      | EventOf<typeof agentReviewsTopic> as K['type']
  ]: K;
};

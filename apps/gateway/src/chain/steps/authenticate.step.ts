import { block, type SyncChainStep, type Verdict } from '@llmgov/chain';
import { headerOf, secretOf } from '../secret';

/** Step 1: key → org, team, agent, environment, plan; and the org's verified active policy (fail closed). */
export const authenticateStep: SyncChainStep = {
  id: 'authenticate',
  run(ctx): Verdict {
    const secret = secretOf(ctx);
    if (!secret) {
      return block(
        'missing_api_key',
        401,
        'Missing API key: send `Authorization: Bearer gk_…` or `x-api-key`.',
        {
          remediation:
            'Create a gateway key with POST /governance/keys and send it as a Bearer token.',
        },
      );
    }
    const key = secret.startsWith('gk_') ? ctx.views.tenancy.keyBySecret(secret) : undefined;
    const org = key ? ctx.views.tenancy.org(key.org_id) : undefined;
    if (!key || !org) {
      return block('invalid_api_key', 401, 'Invalid or revoked API key.', {
        remediation: 'Use a live gateway key (gk_…) of your organisation.',
      });
    }
    let agentId = key.agent_id ?? headerOf(ctx, 'x-agent-id');
    const agent = agentId ? ctx.views.tenancy.agent(agentId) : undefined;
    if (agentId && (!agent || agent.org_id !== key.org_id)) {
      return block('invalid_request', 400, `Unknown agent '${agentId}' (x-agent-id).`, {
        param: 'x-agent-id',
      });
    }
    const teamId = key.team_id ?? agent?.team_id ?? headerOf(ctx, 'x-team-id');
    if (teamId && !key.team_id && !agent?.team_id) {
      const team = ctx.views.tenancy.team(teamId);
      if (!team || team.org_id !== key.org_id)
        return block('invalid_request', 400, `Unknown team '${teamId}' (x-team-id).`, {
          param: 'x-team-id',
        });
    }
    agentId = agent?.agent_id ?? null;
    ctx.principal = {
      org_id: key.org_id,
      plan: org.plan,
      key_id: key.key_id,
      team_id: teamId,
      agent_id: agentId,
      environment: agent?.environment ?? headerOf(ctx, 'x-environment'),
      agent_created_at: agent?.created_at ?? null,
    };
    const policy = ctx.views.policies.active(key.org_id);
    if (!policy) {
      return block(
        'no_active_policy',
        403,
        `No verified active policy for organisation ${key.org_id}: refusing (fail closed).`,
        {
          remediation: 'Publish a policy version and collect its required signatures.',
        },
      );
    }
    ctx.policy = policy;
    return { kind: 'allow', policy_id: policy.policy_id };
  },
};

import { DEFAULT_DEPLOYER, PLAN_DEFAULTS } from '@llmgov/policy-schema';
import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';
import {
  approvalsTopic,
  policyTopic,
  tenancyTopic,
  type Actor,
  type EventOf,
} from '@llmgov/events';
import type { EventBus } from '@llmgov/messaging';
import {
  HealthModule,
  createServiceApp,
  hashSecret,
  newId,
  newSecret,
  type Clock,
} from '@llmgov/service-kit';
import { ApprovalWorkflowModule } from '../src';

export const JWT_SECRET = 'approval-workflow-test-secret';
const at = '2025-01-01T00:00:00.000Z';
const system: Actor = { kind: 'system', id: 'test' };
const envelope = <T extends string>(type: T, subject: string) => ({
  id: randomUUID(),
  type,
  source: '/test',
  time: at,
  subject,
});

/** One org with an agent, admin keys of every role and two gateway keys, as the registry would publish them. */
export function tenancy(orgId = newId('org')) {
  const agentId = newId('agt');
  const keys = {
    owner: { id: newId('key'), secret: newSecret('msh'), role: 'owner' as const },
    reviewer: { id: newId('key'), secret: newSecret('msh'), role: 'reviewer' as const },
    viewer: { id: newId('key'), secret: newSecret('msh'), role: 'viewer' as const },
    /** A reviewer who issued `gateway` (so may not approve its requests). */
    issuer: { id: newId('key'), secret: newSecret('msh'), role: 'reviewer' as const },
  };
  const gateway = { id: newId('key'), secret: newSecret('gk') };
  const otherGateway = { id: newId('key'), secret: newSecret('gk') };
  const keyCreated = (
    k: { id: string; secret: string },
    kind: 'admin' | 'gateway',
    role: 'owner' | 'reviewer' | 'viewer' | null,
    actor: Actor,
  ): EventOf<typeof tenancyTopic> => ({
    ...envelope('key.created', orgId),
    data: {
      org_id: orgId,
      key_id: k.id,
      kind,
      role,
      platform_owner: false,
      team_id: null,
      agent_id: kind === 'gateway' ? agentId : null,
      name: null,
      key_hash: hashSecret(k.secret),
      prefix: k.secret.slice(0, 7),
      created_at: at,
      actor,
    },
  });
  const events: EventOf<typeof tenancyTopic>[] = [
    {
      ...envelope('org.created', orgId),
      data: { org_id: orgId, name: 'Acme', plan: 'growth', created_at: at, actor: system },
    },
    {
      ...envelope('agent.created', orgId),
      data: {
        org_id: orgId,
        agent_id: agentId,
        team_id: null,
        name: 'triage-bot',
        environment: 'production',
        created_at: at,
        actor: system,
      },
    },
    ...Object.values(keys).map((k) => keyCreated(k, 'admin', k.role, system)),
    keyCreated(gateway, 'gateway', null, { kind: 'admin_key', id: keys.issuer.id }),
    keyCreated(otherGateway, 'gateway', null, system),
  ];
  return { orgId, agentId, keys, gateway, otherGateway, events };
}
export type Tenancy = ReturnType<typeof tenancy>;

export function approvalRequested(
  t: Tenancy,
  over: { expires_at?: string; key_id?: string; fingerprint?: string } = {},
): Extract<EventOf<typeof approvalsTopic>, { type: 'approval.requested' }> {
  const approvalId = newId('apr');
  return {
    ...envelope('approval.requested', approvalId),
    data: {
      approval_id: approvalId,
      org_id: t.orgId,
      team_id: null,
      key_id: over.key_id ?? t.gateway.id,
      agent_id: t.agentId,
      environment: 'production',
      request_id: newId('req'),
      fingerprint: over.fingerprint ?? `sha256:${'a'.repeat(64)}`,
      model: 'gpt-4o',
      provider: 'openai',
      estimated_cost_micro_usd: 2_500_000,
      trigger: {
        kind: 'require_approval',
        policy_id: 'pol_prod',
        detail: 'production agents need approval',
      },
      preview: null,
      policy_version: 1,
      requested_at: at,
      expires_at: over.expires_at ?? '2025-01-02T00:00:00.000Z',
    },
  };
}

export function reviewPolicyPublished(
  orgId: string,
  agentId: string,
  days: number,
  version = 2,
): EventOf<typeof policyTopic> {
  return {
    ...envelope('policy.published', orgId),
    data: {
      org_id: orgId,
      policy_id: 'pdoc_1',
      version_id: newId('pv'),
      policy_version: version,
      status: 'active',
      digest: `sha256:${'b'.repeat(64)}`,
      signatures: [],
      required_signers: 0,
      signer_keys: {},
      effective_date: at,
      actor: system,
      document: {
        org_id: orgId,
        plan: 'growth',
        settings: PLAN_DEFAULTS.growth,
        deployer: DEFAULT_DEPLOYER,
        exceptions: [],
        rules: [
          {
            id: 'pol_review',
            name: 'weekly',
            description: null,
            policy_type: 'require_human_review',
            config: { review_interval_days: days },
            scope: 'agent',
            team_id: null,
            agent_id: agentId,
            key_id: null,
            enabled: true,
            created_at: at,
            updated_at: at,
          },
          {
            id: 'pol_other',
            name: 'allow',
            description: null,
            policy_type: 'model_allowlist',
            config: { allowed_models: ['gpt-4o'] },
            scope: 'global',
            team_id: null,
            agent_id: null,
            key_id: null,
            enabled: true,
            created_at: at,
            updated_at: at,
          },
        ],
      },
    },
  };
}

export function jwtFor(
  sub: string,
  orgId: string,
  role: 'owner' | 'admin' | 'reviewer' | 'viewer',
): Promise<string> {
  return new SignJWT({ org_id: orgId, role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JWT_SECRET));
}

/** The service alone on a Nest app (HealthModule + ApprovalWorkflowModule), sweeping only when told. */
export async function startService(options: {
  bus: EventBus;
  databaseUrl: string;
  schema: string;
  clock: Clock;
  replicaId?: string;
}): Promise<NestFastifyApplication> {
  @Module({
    imports: [
      HealthModule,
      ApprovalWorkflowModule.forRoot({
        ...options,
        replicaId: options.replicaId ?? newId('replica'),
        jwt: { secret: JWT_SECRET },
        poolSize: 8,
        sweepIntervalMs: 0,
        relayIntervalMs: 20,
      }),
    ],
  })
  class RootModule {}
  return createServiceApp(RootModule, { name: 'approval-workflow', logger: ['error'] });
}

export const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

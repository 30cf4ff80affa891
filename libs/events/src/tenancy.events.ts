import { z } from 'zod';
import { envelope, isoTime } from './envelope';
import { defineTopic } from './topic';
import { actor, adminRole, plan } from './common';

export const OrgCreated = envelope(
  'org.created',
  z.object({ org_id: z.string(), name: z.string(), plan, created_at: isoTime, actor }),
);
export const TeamCreated = envelope(
  'team.created',
  z.object({
    org_id: z.string(),
    team_id: z.string(),
    name: z.string(),
    created_at: isoTime,
    actor,
  }),
);
export const AgentCreated = envelope(
  'agent.created',
  z.object({
    org_id: z.string(),
    agent_id: z.string(),
    team_id: z.string().nullable(),
    name: z.string(),
    environment: z.string(),
    created_at: isoTime,
    actor,
  }),
);
/**
 * A key was issued. Carries the sha256 hex digest of the secret (never the secret) so
 * gateways and admin routes of every service authenticate from a local view. Secrets
 * are 256-bit random, so the digest cannot be reversed by guessing.
 */
export const KeyCreated = envelope(
  'key.created',
  z.object({
    org_id: z.string().nullable(),
    key_id: z.string(),
    kind: z.enum(['gateway', 'admin']),
    role: adminRole.nullable(),
    platform_owner: z.boolean(),
    team_id: z.string().nullable(),
    agent_id: z.string().nullable(),
    name: z.string().nullable(),
    key_hash: z.string().regex(/^[0-9a-f]{64}$/),
    /** The first characters of the secret (e.g. `gk_3f9a`), for humans to recognise it. */
    prefix: z.string(),
    created_at: isoTime,
    actor,
  }),
);
export const KeyRevoked = envelope(
  'key.revoked',
  z.object({ org_id: z.string().nullable(), key_id: z.string(), revoked_at: isoTime, actor }),
);

/** Orgs, teams, agents and keys. Key: the org id (platform keys: the key id). */
export const tenancyTopic = defineTopic(
  'governance.tenancy.v1',
  'Organisations, teams, agents and API keys (hashes only).',
  'org_id',
  ['org.created', 'team.created', 'agent.created', 'key.created', 'key.revoked'],
  z.discriminatedUnion('type', [OrgCreated, TeamCreated, AgentCreated, KeyCreated, KeyRevoked]),
);

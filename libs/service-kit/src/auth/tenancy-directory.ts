import { createHash } from 'node:crypto';
import type { EventOf, tenancyTopic } from '@llmgov/events';

export type TenancyEvent = EventOf<typeof tenancyTopic>;
export type AdminRole = 'owner' | 'admin' | 'reviewer' | 'viewer';

export interface KeyRecord {
  key_id: string;
  org_id: string | null;
  kind: 'gateway' | 'admin';
  role: AdminRole | null;
  platform_owner: boolean;
  team_id: string | null;
  agent_id: string | null;
  name: string | null;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}
export interface OrgRecord {
  org_id: string;
  name: string;
  plan: 'free' | 'starter' | 'growth' | 'enterprise';
  created_at: string;
}
export interface TeamRecord {
  team_id: string;
  org_id: string;
  name: string;
  created_at: string;
}
export interface AgentRecord {
  agent_id: string;
  org_id: string;
  team_id: string | null;
  name: string;
  environment: string;
  created_at: string;
}

/** sha256 hex of a secret: how keys are stored and looked up (never the secret itself). */
export const hashSecret = (secret: string): string =>
  createHash('sha256').update(secret).digest('hex');

/**
 * An in-memory view of orgs, teams, agents and keys, folded from the tenancy topic. Every
 * service that authenticates keeps one, so no request waits on the registry
 * (ARCHITECTURE.md principle 1). `apply` is idempotent: replaying the topic is safe.
 */
export class TenancyDirectory {
  private readonly keysByHash = new Map<string, KeyRecord>();
  private readonly keysById = new Map<string, KeyRecord>();
  readonly orgs = new Map<string, OrgRecord>();
  readonly teams = new Map<string, TeamRecord>();
  readonly agents = new Map<string, AgentRecord>();

  apply(event: TenancyEvent): void {
    switch (event.type) {
      case 'org.created':
        this.orgs.set(event.data.org_id, {
          org_id: event.data.org_id,
          name: event.data.name,
          plan: event.data.plan,
          created_at: event.data.created_at,
        });
        return;
      case 'team.created':
        this.teams.set(event.data.team_id, {
          team_id: event.data.team_id,
          org_id: event.data.org_id,
          name: event.data.name,
          created_at: event.data.created_at,
        });
        return;
      case 'agent.created': {
        const { agent_id, org_id, team_id, name, environment, created_at } = event.data;
        this.agents.set(agent_id, { agent_id, org_id, team_id, name, environment, created_at });
        return;
      }
      case 'key.created': {
        const d = event.data;
        const record: KeyRecord = {
          key_id: d.key_id,
          org_id: d.org_id,
          kind: d.kind,
          role: d.role,
          platform_owner: d.platform_owner,
          team_id: d.team_id,
          agent_id: d.agent_id,
          name: d.name,
          prefix: d.prefix,
          created_at: d.created_at,
          revoked_at: this.keysById.get(d.key_id)?.revoked_at ?? null,
        };
        this.keysByHash.set(d.key_hash, record);
        this.keysById.set(d.key_id, record);
        return;
      }
      case 'key.revoked': {
        const record = this.keysById.get(event.data.key_id);
        if (record) record.revoked_at = event.data.revoked_at;
        return;
      }
      default: {
        const never: never = event;
        throw new Error(`unhandled tenancy event ${(never as { type: string }).type}`);
      }
    }
  }

  /** The live (not revoked) key whose secret this is. */
  findBySecret(secret: string): KeyRecord | undefined {
    const record = this.keysByHash.get(hashSecret(secret));
    return record && record.revoked_at === null ? record : undefined;
  }

  key(keyId: string): KeyRecord | undefined {
    return this.keysById.get(keyId);
  }

  keys(): IterableIterator<KeyRecord> {
    return this.keysById.values();
  }
}

import { TenancyDirectory, type TenancyEvent } from '@llmgov/service-kit';
import type { AgentView, GatewayKey, OrgView, TeamView, TenancyView } from '@llmgov/chain';

/** The chain's tenancy port over service-kit's TenancyDirectory (gateway keys only). */
export class GatewayTenancy implements TenancyView {
  readonly directory = new TenancyDirectory();
  private readonly idBySecret = new Map<string, string>();

  apply(event: TenancyEvent): void {
    this.directory.apply(event);
  }

  keyBySecret(secret: string): GatewayKey | undefined {
    const k = this.directory.key(this.keyIdOf(secret) ?? '');
    if (!k || k.revoked_at !== null) return undefined;
    if (!k || k.kind !== 'gateway' || !k.org_id) return undefined;
    return { key_id: k.key_id, org_id: k.org_id, team_id: k.team_id, agent_id: k.agent_id };
  }

  /**
   * secret → key id, so a busy key is hashed once, not per request. Bounded; a revoked key
   * is still refused (its record's revoked_at is checked on every lookup).
   */
  private keyIdOf(secret: string): string | undefined {
    const cached = this.idBySecret.get(secret);
    if (cached) return cached;
    const k = this.directory.findBySecret(secret);
    if (!k) return undefined;
    if (this.idBySecret.size >= 10_000) this.idBySecret.clear();
    this.idBySecret.set(secret, k.key_id);
    return k.key_id;
  }

  org(orgId: string): OrgView | undefined {
    return this.directory.orgs.get(orgId);
  }

  agent(agentId: string): AgentView | undefined {
    return this.directory.agents.get(agentId);
  }

  team(teamId: string): TeamView | undefined {
    return this.directory.teams.get(teamId);
  }
}

import { TenancyDirectory, type TenancyEvent } from '@llmgov/service-kit';
import type { AgentView, GatewayKey, OrgView, TeamView, TenancyView } from '@llmgov/chain';

/** The chain's tenancy port over service-kit's TenancyDirectory (gateway keys only). */
export class GatewayTenancy implements TenancyView {
  readonly directory = new TenancyDirectory();

  apply(event: TenancyEvent): void {
    this.directory.apply(event);
  }

  keyBySecret(secret: string): GatewayKey | undefined {
    const k = this.directory.findBySecret(secret);
    if (!k || k.kind !== 'gateway' || !k.org_id) return undefined;
    return { key_id: k.key_id, org_id: k.org_id, team_id: k.team_id, agent_id: k.agent_id };
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

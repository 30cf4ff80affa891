import { Body, Delete, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';
import {
  CLOCK,
  CurrentPrincipal,
  ForbiddenError,
  Roles,
  TenancyDirectory,
  actorOf,
  newId,
  newSecret,
  ok,
  okList,
  parseOrThrow,
  type AdminPrincipal,
  type Clock,
} from '@llmgov/service-kit';
import { withResult } from '@llmgov/eventstore';
import { createAgent, createKey, createOrg, createTeam, revokeKey } from '../domain/tenancy.decide';
import { activeVersion } from '../domain/org-state';
import { OrgRepository, orgStream } from '../persistence/org-repository';
import { ProjectionsRepository } from '../persistence/projections.repository';
import { jsonSchema } from './openapi';
import { OrgAccess } from './org-access';
import { agentView, keyView, teamsOf } from './views';
import { AdminController } from './admin-controller';

const orgId = z.string().min(1).optional();
const createOrgBody = z
  .object({
    name: z.string().min(1).max(200),
    plan: z.enum(['free', 'starter', 'growth', 'enterprise']),
  })
  .strict();
const createTeamBody = z.object({ name: z.string().min(1).max(200), org_id: orgId }).strict();
const createAgentBody = z
  .object({
    name: z.string().min(1).max(200),
    environment: z.string().min(1).max(64),
    team_id: z.string().min(1).nullable().optional(),
    org_id: orgId,
  })
  .strict();
const createKeyBody = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('gateway'),
      team_id: z.string().min(1).nullable().optional(),
      agent_id: z.string().min(1).nullable().optional(),
      name: z.string().max(200).nullable().optional(),
      org_id: orgId,
    })
    .strict(),
  z
    .object({
      kind: z.literal('admin'),
      role: z.enum(['owner', 'admin', 'reviewer', 'viewer']),
      name: z.string().max(200).nullable().optional(),
      org_id: orgId,
    })
    .strict(),
]);

/** Orgs, teams, agents and keys (CONTRACT.md §1). Writes: owner or admin; reads: any admin role. */
@AdminController('tenancy', 'governance')
export class TenancyController {
  constructor(
    @Inject(OrgRepository) private readonly repo: OrgRepository,
    @Inject(OrgAccess) private readonly access: OrgAccess,
    @Inject(ProjectionsRepository) private readonly projections: ProjectionsRepository,
    @Inject(TenancyDirectory) private readonly directory: TenancyDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('orgs')
  @ApiBody({ schema: jsonSchema(createOrgBody) })
  async createOrg(@CurrentPrincipal() p: AdminPrincipal, @Body() body: unknown) {
    if (!p.platform_owner)
      throw new ForbiddenError('Only the platform owner creates orgs', 'platform_owner_only');
    const input = parseOrThrow(createOrgBody, body);
    const id = newId('org');
    const { state } = await this.repo.execute(orgStream(id), actorOf(p), (s, ctx) =>
      createOrg(s, { org_id: id, ...input }, ctx),
    );
    const v = state.versions[0];
    return ok({
      id,
      name: input.name,
      plan: input.plan,
      created_at: state.org!.created_at,
      policy_id: v.policy_id,
      policy_version: v.policy_version,
    });
  }

  /** The platform owner sees every org; an org's admin roles see their own. */
  @Get('orgs')
  async orgs(@CurrentPrincipal() p: AdminPrincipal) {
    if (p.platform_owner) {
      const all = [...this.directory.orgs.values()].sort(
        (a, b) => a.created_at.localeCompare(b.created_at) || a.org_id.localeCompare(b.org_id),
      );
      return okList(
        all.map((o) => ({ id: o.org_id, name: o.name, plan: o.plan, created_at: o.created_at })),
      );
    }
    const { org } = await this.access.read(p);
    return okList([
      { id: org!.org_id, name: org!.name, plan: org!.plan, created_at: org!.created_at },
    ]);
  }

  @Post('teams')
  @Roles('owner', 'admin')
  @ApiBody({ schema: jsonSchema(createTeamBody) })
  async createTeam(@CurrentPrincipal() p: AdminPrincipal, @Body() body: unknown) {
    const input = parseOrThrow(createTeamBody, body);
    const { state, result } = await this.access.run(p, input.org_id, (s, ctx) =>
      withResult(createTeam(s, input, ctx), (e) => (e[0]!.data as { team_id: string }).team_id),
    );
    return ok(teamsOf(state).find((t) => t.id === result));
  }

  @Get('teams')
  async teams(@CurrentPrincipal() p: AdminPrincipal, @Query('org_id') org?: string) {
    return okList(teamsOf(await this.access.read(p, org)));
  }

  @Post('agents')
  @Roles('owner', 'admin')
  @ApiBody({ schema: jsonSchema(createAgentBody) })
  async createAgent(@CurrentPrincipal() p: AdminPrincipal, @Body() body: unknown) {
    const input = parseOrThrow(createAgentBody, body);
    const { state, result } = await this.access.run(p, input.org_id, (s, ctx) =>
      withResult(createAgent(s, input, ctx), (e) => (e[0]!.data as { agent_id: string }).agent_id),
    );
    return ok(
      agentView(state.agents.get(result)!, {
        document: activeVersion(state)?.document ?? null,
        last_reviewed_at: null,
        now: this.clock.now(),
      }),
    );
  }

  @Get('agents')
  async agents(@CurrentPrincipal() p: AdminPrincipal, @Query('org_id') org?: string) {
    const state = await this.access.read(p, org);
    const reviews = await this.projections.lastReviews(state.org!.org_id);
    const document = activeVersion(state)?.document ?? null;
    const now = this.clock.now();
    return okList(
      [...state.agents.values()].map((a) =>
        agentView(a, { document, last_reviewed_at: reviews.get(a.agent_id) ?? null, now }),
      ),
    );
  }

  /** The secret is in `data.key`, this once; only its hash is stored and published. */
  @Post('keys')
  @Roles('owner', 'admin')
  @ApiBody({ schema: jsonSchema(createKeyBody) })
  async createKey(@CurrentPrincipal() p: AdminPrincipal, @Body() body: unknown) {
    const input = parseOrThrow(createKeyBody, body);
    if (
      input.kind === 'admin' &&
      input.role === 'owner' &&
      !p.platform_owner &&
      p.role !== 'owner'
    ) {
      throw new ForbiddenError('Only an owner issues owner keys', 'insufficient_role');
    }
    const secret = newSecret(input.kind === 'gateway' ? 'gk' : 'msh');
    const { state, result } = await this.access.run(p, input.org_id, (s, ctx) =>
      withResult(
        createKey(s, { ...input, secret }, ctx),
        (e) => (e[0]!.data as { key_id: string }).key_id,
      ),
    );
    return ok({ ...keyView(state.keys.get(result)!), key: secret });
  }

  @Get('keys')
  async keys(@CurrentPrincipal() p: AdminPrincipal, @Query('org_id') org?: string) {
    return okList([...(await this.access.read(p, org)).keys.values()].map(keyView));
  }

  @Delete('keys/:id')
  @Roles('owner', 'admin')
  async revoke(
    @CurrentPrincipal() p: AdminPrincipal,
    @Param('id') id: string,
    @Query('org_id') org?: string,
  ) {
    const { state } = await this.access.run(p, org, (s, ctx) =>
      revokeKey(s, { key_id: id, by: p }, ctx),
    );
    return ok(keyView(state.keys.get(id)!));
  }
}

import { Body, Delete, Get, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';
import {
  createRuleInput,
  policyType,
  ruleScope,
  updateRuleInput,
  type CreateRuleInput,
} from '@llmgov/policy-schema';
import {
  CurrentPrincipal,
  NotFoundError,
  Roles,
  ok,
  okList,
  parseOrThrow,
  type AdminPrincipal,
} from '@llmgov/service-kit';
import { createRule, deleteRule, updateRule } from '../domain/document.decide';
import { headVersion } from '../domain/org-state';
import { jsonSchema } from './openapi';
import { OrgAccess } from './org-access';
import { ruleView } from './views';
import { AdminController } from './admin-controller';

/** `type` and `policy_type` (the field's own name, as the body spells it) filter alike. */
const listQuery = z
  .object({
    type: policyType.optional(),
    policy_type: policyType.optional(),
    scope: ruleScope.optional(),
    agent_id: z.string().optional(),
    team_id: z.string().optional(),
    org_id: z.string().optional(),
  })
  .strict();
const withOrg = (body: unknown): { org_id?: string; rest: unknown } => {
  if (body && typeof body === 'object' && 'org_id' in body) {
    const { org_id, ...rest } = body as Record<string, unknown>;
    return { org_id: typeof org_id === 'string' ? org_id : undefined, rest };
  }
  return { rest: body };
};

/** Typed policies (CONTRACT.md §3): each change is a new version of the org's document. */
@AdminController('typed policies', 'governance/policies')
export class RulesController {
  constructor(@Inject(OrgAccess) private readonly access: OrgAccess) {}

  @Post()
  @Roles('owner', 'admin')
  @ApiBody({ schema: jsonSchema(createRuleInput) })
  async create(@CurrentPrincipal() p: AdminPrincipal, @Body() body: unknown) {
    const { org_id, rest } = withOrg(body);
    const input = parseOrThrow(createRuleInput, rest) as CreateRuleInput;
    const { state, result } = await this.access.run(p, org_id, (s, ctx) =>
      createRule(s, input, ctx),
    );
    return ok(ruleView(result, headVersion(state)!));
  }

  @Get()
  async list(@CurrentPrincipal() p: AdminPrincipal, @Query() query: unknown) {
    const q = parseOrThrow(listQuery, query, 'query');
    const head = headVersion(await this.access.read(p, q.org_id))!;
    const rules = head.document.rules.filter(
      (r) =>
        (!q.type || r.policy_type === q.type) &&
        (!q.policy_type || r.policy_type === q.policy_type) &&
        (!q.scope || r.scope === q.scope) &&
        (!q.agent_id || r.agent_id === q.agent_id) &&
        (!q.team_id || r.team_id === q.team_id),
    );
    return okList(rules.map((r) => ruleView(r, head)));
  }

  @Get(':id')
  async get(
    @CurrentPrincipal() p: AdminPrincipal,
    @Param('id') id: string,
    @Query('org_id') org?: string,
  ) {
    const head = headVersion(await this.access.read(p, org))!;
    const rule = head.document.rules.find((r) => r.id === id);
    if (!rule) throw new NotFoundError(`Policy ${id} not found`);
    return ok(ruleView(rule, head));
  }

  @Patch(':id')
  @Roles('owner', 'admin')
  @ApiBody({ schema: jsonSchema(updateRuleInput) })
  async update(
    @CurrentPrincipal() p: AdminPrincipal,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    const { org_id, rest } = withOrg(body);
    const patch = parseOrThrow(updateRuleInput, rest);
    const { state, result } = await this.access.run(p, org_id, (s, ctx) =>
      updateRule(s, { rule_id: id, patch }, ctx),
    );
    return ok(ruleView(result, headVersion(state)!));
  }

  @Delete(':id')
  @Roles('owner', 'admin')
  async remove(
    @CurrentPrincipal() p: AdminPrincipal,
    @Param('id') id: string,
    @Query('org_id') org?: string,
  ) {
    return ok(
      await this.access.remove(p, org, id, (s, ctx) => deleteRule(s, { rule_id: id }, ctx)),
    );
  }
}

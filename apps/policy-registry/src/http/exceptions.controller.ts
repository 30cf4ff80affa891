import { Body, Delete, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';
import { createExceptionInput, policyException } from '@llmgov/policy-schema';
import {
  CLOCK,
  CurrentPrincipal,
  Roles,
  ok,
  okList,
  parseOrThrow,
  type AdminPrincipal,
  type Clock,
} from '@llmgov/service-kit';
import { createException, revokeException } from '../domain/exceptions.decide';
import { activeVersion, headVersion } from '../domain/org-state';
import { OrgAccess } from './org-access';
import { jsonSchema } from './openapi';
import { exceptionView } from './views';
import { AdminController } from './admin-controller';

const createBody = createExceptionInput.extend({ org_id: z.string().optional() }).strict();
const listQuery = z
  .object({
    kind: policyException.shape.kind.optional(),
    status: z.enum(['active', 'pending', 'expired']).optional(),
    org_id: z.string().optional(),
  })
  .strict();

/**
 * Exceptions (CONTRACT.md §6): time-limited, scoped exemptions from one check, approved by
 * the caller (owner or admin), each change a new version of the org's document.
 */
@AdminController('exceptions', 'governance/exceptions')
export class ExceptionsController {
  constructor(
    @Inject(OrgAccess) private readonly access: OrgAccess,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @Roles('owner', 'admin')
  @ApiBody({ schema: jsonSchema(createBody) })
  async create(@CurrentPrincipal() p: AdminPrincipal, @Body() body: unknown) {
    const { state, result } = await this.access.runBody(p, createBody, body, (s, input, ctx) =>
      createException(s, input, ctx),
    );
    const head = headVersion(state)!;
    return ok(
      exceptionView(result, head.policy_version, this.clock.now(), head.status === 'active'),
    );
  }

  @Get()
  async list(@CurrentPrincipal() p: AdminPrincipal, @Query() query: unknown) {
    const q = parseOrThrow(listQuery, query, 'query');
    const state = await this.access.read(p, q.org_id);
    const head = headVersion(state)!;
    const inForce = new Set(activeVersion(state)?.document.exceptions.map((e) => e.id) ?? []);
    const now = this.clock.now();
    const views = head.document.exceptions.map((e) =>
      exceptionView(e, head.policy_version, now, inForce.has(e.id)),
    );
    return okList(
      views.filter((e) => (!q.kind || e.kind === q.kind) && (!q.status || e.status === q.status)),
    );
  }

  @Delete(':id')
  @Roles('owner', 'admin')
  async remove(
    @CurrentPrincipal() p: AdminPrincipal,
    @Param('id') id: string,
    @Query('org_id') org?: string,
  ) {
    return ok(
      await this.access.remove(p, org, id, (s, ctx) =>
        revokeException(s, { exception_id: id }, ctx),
      ),
    );
  }
}

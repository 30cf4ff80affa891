import { Body, Inject, Param } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';
import {
  CurrentPrincipal,
  NotFoundError,
  ok,
  parseOrThrow,
  type AdminPrincipal,
} from '@llmgov/service-kit';
import { activeVersion, versionById } from '../domain/org-state';
import { simulate } from '../domain/simulate';
import { ProjectionsRepository } from '../persistence/projections.repository';
import { OrgAccess } from './org-access';
import { jsonSchema } from './openapi';
import { AdminAction, AdminController } from './admin-controller';

const simulateBody = z
  .object({ against: z.string().min(1).optional(), org_id: z.string().optional() })
  .strict();

/**
 * Shadow evaluation (CONTRACT.md §6): `:id` (a version, typically a draft) re-decides the
 * org's recorded requests against the active version (or `against`), before anyone signs it.
 */
@AdminController('policy versions', 'api/v1/policies')
export class SimulateController {
  constructor(
    @Inject(OrgAccess) private readonly access: OrgAccess,
    @Inject(ProjectionsRepository) private readonly projections: ProjectionsRepository,
  ) {}

  @AdminAction(':id/simulate')
  @ApiBody({ schema: jsonSchema(simulateBody), required: false })
  async simulate(
    @CurrentPrincipal() p: AdminPrincipal,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    const { against, org_id } = parseOrThrow(simulateBody, body ?? {});
    const state = await this.access.read(p, org_id);
    const target = versionById(state, id);
    if (!target) throw new NotFoundError(`Policy version ${id} not found`);
    const base = against ? versionById(state, against) : activeVersion(state);
    if (!base)
      throw new NotFoundError(
        against ? `Policy version ${against} not found` : 'No active policy version',
        against ? 'not_found' : 'no_active_policy',
      );
    const report = simulate(
      base.document,
      target.document,
      await this.projections.recentInputs(state.org!.org_id),
      state.org!.plan,
    );
    return ok({
      version_id: target.version_id,
      policy_version: target.policy_version,
      status: target.status,
      against_version_id: base.version_id,
      against_policy_version: base.policy_version,
      ...report,
    });
  }
}

import { Get, Inject, Param, Query } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';
import { evaluateCompliance, remediationsOf } from '@llmgov/compliance';
import {
  CLOCK,
  CurrentPrincipal,
  ok,
  okList,
  parseOrThrow,
  unwrap,
  type AdminPrincipal,
  type Clock,
} from '@llmgov/service-kit';
import {
  applyRemediation,
  requireInput,
  requireRemediation,
  type ComplianceFactsIn,
} from '../domain/compliance.decide';
import { activeVersion, headVersion } from '../domain/org-state';
import { ProjectionsRepository } from '../persistence/projections.repository';
import { OrgAccess } from './org-access';
import { versionView } from './views';
import { AdminAction, AdminController } from './admin-controller';

const readQuery = z.object({ org_id: z.string().min(1).optional() }).strict();
const applyQuery = readQuery.extend({ dry_run: z.enum(['true', 'false']).optional() }).strict();

/**
 * Where each fact comes from. The registry answers from what it holds or already consumes
 * (the document, agents, `agent.review.recorded`, `request.completed`); the audit chain and
 * the approvals live in other services and are reported as unknown (not counted) rather than
 * fetched on the request path.
 */
export const FACT_SOURCES = {
  agent_reviews: 'agent.review.recorded (consumed by the registry)',
  requests: 'request.completed (the newest recorded per org, consumed by the registry)',
  audit: 'unknown here: GET /audit/verify',
  approvals: 'unknown here: GET /approvals',
} as const;

/**
 * EU AI Act compliance (issue 13): the score of the active policy version with per-article
 * evidence, each failing check's remediation, and applying one as a new policy version.
 * Any admin role reads; owner or admin applies.
 */
@AdminController('compliance', 'governance/compliance')
export class ComplianceController {
  constructor(
    @Inject(OrgAccess) private readonly access: OrgAccess,
    @Inject(ProjectionsRepository) private readonly projections: ProjectionsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async score(@CurrentPrincipal() p: AdminPrincipal, @Query() query: unknown) {
    const { org_id } = parseOrThrow(readQuery, query, 'query');
    const state = await this.access.read(p, org_id);
    const active = activeVersion(state);
    const report = evaluateCompliance(
      unwrap(requireInput(state, await this.known(state.org!.org_id))),
    );
    return ok({
      org_id: state.org!.org_id,
      policy_version: active?.policy_version,
      version_id: active?.version_id,
      ...report,
      fact_sources: FACT_SOURCES,
    });
  }

  @Get('remediations')
  async remediations(@CurrentPrincipal() p: AdminPrincipal, @Query() query: unknown) {
    const { org_id } = parseOrThrow(readQuery, query, 'query');
    const state = await this.access.read(p, org_id);
    return okList(remediationsOf(unwrap(requireInput(state, await this.known(state.org!.org_id)))));
  }

  /** `?dry_run=true` answers the diff only; otherwise a new version (a draft while a signer quorum is missing). */
  @AdminAction('remediations/:id/apply')
  @ApiQuery({ name: 'dry_run', required: false, enum: ['true', 'false'] })
  async apply(
    @CurrentPrincipal() p: AdminPrincipal,
    @Param('id') id: string,
    @Query() query: unknown,
  ) {
    const q = parseOrThrow(applyQuery, query, 'query');
    const before = await this.access.read(p, q.org_id);
    const known = await this.known(before.org!.org_id);
    if (q.dry_run === 'true')
      return ok({ dry_run: true, ...unwrap(requireRemediation(requireInput(before, known), id)) });
    const { state, result } = await this.access.run(p, q.org_id, (s, ctx) =>
      applyRemediation(s, { id, known }, ctx),
    );
    return ok({ dry_run: false, ...result, version: versionView(headVersion(state)!) });
  }

  private async known(orgId: string): Promise<ComplianceFactsIn> {
    const [last_reviews, requests] = await Promise.all([
      this.projections.lastReviews(orgId),
      this.projections.requestFacts(orgId),
    ]);
    return {
      last_reviews,
      facts: { requests, audit: null, approvals: null },
      now: this.clock.now(),
    };
  }
}

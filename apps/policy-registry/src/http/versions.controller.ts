import { Body, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';
import { POLICY_TEMPLATES, TEMPLATE_NAMES, deployerPolicyPatch } from '@llmgov/policy-schema';
import {
  CurrentPrincipal,
  NotFoundError,
  Roles,
  ok,
  okList,
  parseOrThrow,
  type AdminPrincipal,
} from '@llmgov/service-kit';
import { publish, sign } from '../domain/document.decide';
import { approveSigner, registerSigner } from '../domain/signers.decide';
import { activeVersion, headVersion, versionById } from '../domain/org-state';
import { jsonSchema } from './openapi';
import { OrgAccess } from './org-access';
import { withResult } from '@llmgov/eventstore';
import { signerView, versionView } from './views';
import { AdminAction, AdminController } from './admin-controller';

const publishBody = deployerPolicyPatch
  .extend({
    template: z.enum(TEMPLATE_NAMES).optional(),
    effective_date: z.iso.datetime({ offset: true }).optional(),
    org_id: z.string().optional(),
  })
  .strict();
const signerBody = z
  .object({
    signer: z.string().min(1).max(320),
    public_key: z.string().min(1),
    org_id: z.string().optional(),
  })
  .strict();
const approveSignerBody = z
  .object({
    approver: z.string().min(1).max(320),
    signature: z.string().min(1),
    org_id: z.string().optional(),
  })
  .strict();
const signBody = z
  .object({
    signer: z.string().min(1).max(320),
    signature: z.string().min(1),
    org_id: z.string().optional(),
  })
  .strict();

/** Versioned, signed deployer policy (CONTRACT.md §3). Answers `{"success":true,"data":…}` like every admin route. */
@AdminController('policy versions', 'api/v1/policies')
export class VersionsController {
  constructor(@Inject(OrgAccess) private readonly access: OrgAccess) {}

  @Get()
  async list(@CurrentPrincipal() p: AdminPrincipal, @Query('org_id') org?: string) {
    return okList(
      [...(await this.access.read(p, org)).versions].reverse().map((v) => versionView(v)),
    );
  }

  @Get('active')
  async active(@CurrentPrincipal() p: AdminPrincipal, @Query('org_id') org?: string) {
    const v = activeVersion(await this.access.read(p, org));
    if (!v) throw new NotFoundError('No active policy version', 'no_active_policy');
    return ok(versionView(v, true));
  }

  @Get('templates')
  templates() {
    return okList(TEMPLATE_NAMES.map((n) => POLICY_TEMPLATES[n]));
  }

  @Post()
  @Roles('owner', 'admin')
  @ApiBody({ schema: jsonSchema(publishBody) })
  async publish(@CurrentPrincipal() p: AdminPrincipal, @Body() body: unknown) {
    const { template, effective_date, org_id, ...deployer } = parseOrThrow(publishBody, body);
    const { state } = await this.access.run(p, org_id, (s, ctx) =>
      publish(s, { template, effective_date, deployer }, ctx),
    );
    return ok(versionView(headVersion(state)!, true));
  }

  @Post('signers')
  @Roles('owner', 'admin')
  @ApiBody({ schema: jsonSchema(signerBody) })
  async registerSigner(@CurrentPrincipal() p: AdminPrincipal, @Body() body: unknown) {
    const { state, result } = await this.access.runBody(p, signerBody, body, (s, input, ctx) =>
      withResult(
        registerSigner(s, input, ctx),
        (e) => (e[0]!.data as { signer_key_id: string }).signer_key_id,
      ),
    );
    return ok(signerView(state.org!.org_id, state.signers.get(result)!));
  }

  @Get('signers')
  async signers(@CurrentPrincipal() p: AdminPrincipal, @Query('org_id') org?: string) {
    const state = await this.access.read(p, org);
    return okList([...state.signers.values()].map((k) => signerView(state.org!.org_id, k)));
  }

  /** Under a signer quorum: an active signer of another principal approves a pending signer key. */
  @AdminAction('signers/:id/approve', approveSignerBody)
  async approveSigner(
    @CurrentPrincipal() p: AdminPrincipal,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    const { state } = await this.access.runBody(p, approveSignerBody, body, (s, input, ctx) =>
      approveSigner(s, { signer_key_id: id, ...input }, ctx),
    );
    return ok(signerView(state.org!.org_id, state.signers.get(id)!));
  }

  @AdminAction(':id/sign', signBody)
  async sign(
    @CurrentPrincipal() p: AdminPrincipal,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    const { state } = await this.access.runBody(p, signBody, body, (s, input, ctx) =>
      sign(s, { version_id: id, ...input }, ctx),
    );
    return ok(versionView(versionById(state, id)!));
  }

  /** `:id` is the policy id (all versions) or a version id (that version and the ones before it). */
  @Get(':id/history')
  async history(
    @CurrentPrincipal() p: AdminPrincipal,
    @Param('id') id: string,
    @Query('org_id') org?: string,
  ) {
    const state = await this.access.read(p, org);
    const byVersion = versionById(state, id);
    const versions = byVersion
      ? state.versions.filter((v) => v.policy_version <= byVersion.policy_version)
      : state.versions.filter((v) => v.policy_id === id);
    if (versions.length === 0) throw new NotFoundError(`Policy ${id} not found`);
    return okList([...versions].reverse().map((v) => versionView(v)));
  }

  @Get(':id')
  async get(
    @CurrentPrincipal() p: AdminPrincipal,
    @Param('id') id: string,
    @Query('org_id') org?: string,
  ) {
    const v = versionById(await this.access.read(p, org), id);
    if (!v) throw new NotFoundError(`Policy version ${id} not found`);
    return ok(versionView(v, true));
  }
}

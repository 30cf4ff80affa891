import { Body, Get, Inject, Put, Query, Res } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  MODEL_CATALOGUE,
  PLAN_DEFAULTS,
  governanceSettingsPatch,
  settingsWarnings,
  type GovernanceSettings,
} from '@llmgov/policy-schema';
import {
  CurrentPrincipal,
  Roles,
  ok,
  parseOrThrow,
  type AdminPrincipal,
} from '@llmgov/service-kit';
import { changeSettings } from '../domain/document.decide';
import { headVersion } from '../domain/org-state';
import { jsonSchema } from './openapi';
import { OrgAccess } from './org-access';
import { pendingSettingsView, settingsState } from './views';
import { AdminController } from './admin-controller';

/** `{success, data}`, plus `warnings: [{field, code, message}]` when there is one. */
function withWarnings(settings: GovernanceSettings) {
  return { ...ok(settings), ...warningsOf(settings) };
}

/** `{warnings}` when the settings have any, else nothing. */
function warningsOf(settings: GovernanceSettings) {
  const warnings = settingsWarnings(settings);
  return warnings.length ? { warnings } : {};
}

/**
 * The flat org governance settings (CONTRACT.md §3). GET answers the settings in force (the
 * active version) in `data`, and a newer draft waiting for its signer quorum apart in
 * `pending`. PUT is partial (fields left out keep their value, `pii_patterns` merges per
 * pattern); an unknown field or wrong type answers 400 naming it. A PUT that takes effect
 * answers 200 with the settings now in force; under a signer quorum it makes a draft and
 * answers 202 with that draft version, never the new values as if they were live.
 * Settings that cannot take effect together (an unreachable cost gate) are accepted, with
 * `warnings` beside `data`.
 */
@AdminController('governance settings', 'gateway/admin/governance/policy')
export class SettingsController {
  constructor(@Inject(OrgAccess) private readonly access: OrgAccess) {}

  @Get()
  async get(@CurrentPrincipal() p: AdminPrincipal, @Query('org_id') org?: string) {
    const { active, draft } = settingsState(await this.access.read(p, org));
    return {
      ...withWarnings((active ?? draft)!.document.settings),
      policy_version: active?.policy_version ?? null,
      pending: draft ? pendingSettingsView(draft) : null,
    };
  }

  /**
   * The org's plan, its default settings (shown beside each value by the console's editor)
   * and the model catalogue with list prices (for the model allowlist).
   */
  @Get('defaults')
  async defaults(@CurrentPrincipal() p: AdminPrincipal, @Query('org_id') org?: string) {
    const plan = (await this.access.read(p, org)).org!.plan;
    return ok({ plan, settings: PLAN_DEFAULTS[plan], models: MODEL_CATALOGUE });
  }

  @Put()
  @Roles('owner', 'admin')
  @ApiBody({ schema: jsonSchema(governanceSettingsPatch) })
  async put(
    @CurrentPrincipal() p: AdminPrincipal,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('org_id') org?: string,
  ) {
    const patch = parseOrThrow(governanceSettingsPatch, body);
    const { state } = await this.access.run(p, org, (s, ctx) => changeSettings(s, patch, ctx));
    const head = headVersion(state)!;
    if (head.status === 'draft') {
      void reply.status(202);
      return { ...ok(pendingSettingsView(head)), ...warningsOf(head.document.settings) };
    }
    return {
      ...withWarnings(head.document.settings),
      policy_version: head.policy_version,
      pending: null,
    };
  }
}

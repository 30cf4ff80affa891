import { Body, Controller, Get, Inject, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { MODEL_CATALOGUE, PLAN_DEFAULTS, governanceSettingsPatch } from '@llmgov/policy-schema';
import { AdminAuthGuard, CurrentPrincipal, Roles, ok, parseOrThrow, type AdminPrincipal } from '@llmgov/service-kit';
import { changeSettings } from '../domain/document.decide';
import { headVersion } from '../domain/org-state';
import { jsonSchema } from './openapi';
import { OrgAccess, only } from './org-access';

/**
 * The flat org governance settings (CONTRACT.md §3). GET answers the newest version's
 * settings; PUT is partial (fields left out keep their value, `pii_patterns` merges per
 * pattern) and an unknown field or wrong type answers 400 naming it.
 */
@ApiTags('governance settings')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('gateway/admin/governance/policy')
export class SettingsController {
  constructor(@Inject(OrgAccess) private readonly access: OrgAccess) {}

  @Get()
  async get(@CurrentPrincipal() p: AdminPrincipal, @Query('org_id') org?: string) {
    return ok(headVersion(await this.access.read(p, org))!.document.settings);
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
  async put(@CurrentPrincipal() p: AdminPrincipal, @Body() body: unknown, @Query('org_id') org?: string) {
    const patch = parseOrThrow(governanceSettingsPatch, body);
    const { state } = await this.access.run(p, org, (s, ctx) => only(changeSettings(s, patch, ctx)));
    return ok(headVersion(state)!.document.settings);
  }
}

import { Body, Controller, Get, Inject, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { governanceSettingsPatch, settingsWarnings, type GovernanceSettings } from '@llmgov/policy-schema';
import { AdminAuthGuard, CurrentPrincipal, Roles, ok, parseOrThrow, type AdminPrincipal } from '@llmgov/service-kit';
import { changeSettings } from '../domain/document.decide';
import { headVersion } from '../domain/org-state';
import { jsonSchema } from './openapi';
import { OrgAccess, only } from './org-access';

/** `{success, data}`, plus `warnings: [{field, code, message}]` when there is one. */
function withWarnings(settings: GovernanceSettings) {
  const warnings = settingsWarnings(settings);
  return warnings.length ? { ...ok(settings), warnings } : ok(settings);
}

/**
 * The flat org governance settings (CONTRACT.md §3). GET answers the newest version's
 * settings; PUT is partial (fields left out keep their value, `pii_patterns` merges per
 * pattern) and an unknown field or wrong type answers 400 naming it. Settings that cannot
 * take effect together (an unreachable cost gate) are accepted, with `warnings` beside `data`.
 */
@ApiTags('governance settings')
@ApiBearerAuth()
@UseGuards(AdminAuthGuard)
@Controller('gateway/admin/governance/policy')
export class SettingsController {
  constructor(@Inject(OrgAccess) private readonly access: OrgAccess) {}

  @Get()
  async get(@CurrentPrincipal() p: AdminPrincipal, @Query('org_id') org?: string) {
    return withWarnings(headVersion(await this.access.read(p, org))!.document.settings);
  }

  @Put()
  @Roles('owner', 'admin')
  @ApiBody({ schema: jsonSchema(governanceSettingsPatch) })
  async put(@CurrentPrincipal() p: AdminPrincipal, @Body() body: unknown, @Query('org_id') org?: string) {
    const patch = parseOrThrow(governanceSettingsPatch, body);
    const { state } = await this.access.run(p, org, (s, ctx) => only(changeSettings(s, patch, ctx)));
    return withWarnings(headVersion(state)!.document.settings);
  }
}

import { Controller, Get, Headers, Inject, Query, UseGuards } from '@nestjs/common';
import { periodStart } from '@llmgov/budget';
import { AdminAuthGuard, CLOCK, CurrentPrincipal, UnauthorizedError, ok, okList, orgScope, parseOrThrow, type AdminPrincipal, type Clock } from '@llmgov/service-kit';
import { LedgerReader } from './ledger.reader';
import { spendQuery, statusQuery } from './budget-queries';

export const SNAPSHOT_TOKEN = Symbol('BUDGET_SNAPSHOT_TOKEN');

/** Budget routes of CONTRACT.md §4: admin auth, org-scoped. */
@Controller('budgets')
export class BudgetsController {
  constructor(
    @Inject(LedgerReader) private readonly reader: LedgerReader,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SNAPSHOT_TOKEN) private readonly snapshotToken: string | null,
  ) {}

  @Get('spend')
  @UseGuards(AdminAuthGuard)
  async spend(@CurrentPrincipal() principal: AdminPrincipal, @Query() raw: Record<string, string>) {
    const q = parseOrThrow(spendQuery, raw, 'query');
    const now = this.clock.now();
    const from = q.from ? new Date(q.from) : periodStart(q.period, now);
    const to = q.to ? new Date(q.to) : now;
    return okList(await this.reader.spend(orgScope(principal, q.org_id), { group_by: q.group_by, period: q.period, from, to }));
  }

  @Get('status')
  @UseGuards(AdminAuthGuard)
  async status(@CurrentPrincipal() principal: AdminPrincipal, @Query() raw: Record<string, string>) {
    const q = parseOrThrow(statusQuery, raw, 'query');
    return okList(await this.reader.status(orgScope(principal, q.org_id), this.clock.now()));
  }

  /**
   * Internal: what a gateway replica loads at start. Carries spend and key ids, no secrets;
   * with `BUDGET_SNAPSHOT_TOKEN` set it requires `Authorization: Bearer <token>`.
   */
  @Get('snapshot')
  async snapshot(@Headers('authorization') authorization?: string) {
    if (this.snapshotToken && authorization !== `Bearer ${this.snapshotToken}`) throw new UnauthorizedError('The budget snapshot requires the internal snapshot token');
    return ok(await this.reader.snapshot(this.clock.now()));
  }
}

import { timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, Inject, Query, UseGuards } from '@nestjs/common';
import { periodStart } from '@llmgov/budget';
import {
  AdminAuthGuard,
  CLOCK,
  CurrentPrincipal,
  ForbiddenError,
  TenancyDirectory,
  UnauthorizedError,
  ok,
  okList,
  orgScope,
  parseOrThrow,
  type AdminPrincipal,
  type Clock,
} from '@llmgov/service-kit';
import { LedgerReader } from './ledger.reader';
import { spendQuery, statusQuery } from './budget-queries';

export const SNAPSHOT_TOKEN = Symbol('BUDGET_SNAPSHOT_TOKEN');

const safeEqual = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Budget routes of CONTRACT.md §4: admin auth, org-scoped. */
@Controller('budgets')
export class BudgetsController {
  constructor(
    @Inject(LedgerReader) private readonly reader: LedgerReader,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SNAPSHOT_TOKEN) private readonly snapshotToken: string | null,
    @Inject(TenancyDirectory) private readonly directory: TenancyDirectory,
  ) {}

  @Get('spend')
  @UseGuards(AdminAuthGuard)
  async spend(@CurrentPrincipal() principal: AdminPrincipal, @Query() raw: Record<string, string>) {
    const q = parseOrThrow(spendQuery, raw, 'query');
    const now = this.clock.now();
    const from = q.from ? new Date(q.from) : periodStart(q.period, now);
    const to = q.to ? new Date(q.to) : now;
    return okList(
      await this.reader.spend(orgScope(principal, q.org_id), {
        group_by: q.group_by,
        period: q.period,
        from,
        to,
      }),
    );
  }

  @Get('status')
  @UseGuards(AdminAuthGuard)
  async status(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Query() raw: Record<string, string>,
  ) {
    const q = parseOrThrow(statusQuery, raw, 'query');
    return okList(await this.reader.status(orgScope(principal, q.org_id), this.clock.now()));
  }

  /**
   * Internal: what a gateway replica loads at start. Carries every org's ids, spend and
   * reservations (no secrets), so it is never open: it requires `Authorization: Bearer
   * <BUDGET_SNAPSHOT_TOKEN>` (when set) or the platform owner's admin key (issue 17). An org's
   * admin key answers 403: the snapshot spans every org.
   */
  @Get('snapshot')
  async snapshot(@Headers('authorization') authorization?: string) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const unauthorized =
      'The budget snapshot requires the snapshot token or the platform owner key';
    if (!bearer) throw new UnauthorizedError(unauthorized);
    if (!(this.snapshotToken && safeEqual(bearer, this.snapshotToken))) {
      const key = this.directory.findBySecret(bearer);
      if (!key || key.kind !== 'admin') throw new UnauthorizedError(unauthorized);
      if (!key.platform_owner) {
        const message =
          'The budget snapshot spans every org: only the platform owner or its token reads it';
        throw new ForbiddenError(message, 'platform_owner_only');
      }
    }
    return ok(await this.reader.snapshot(this.clock.now()));
  }
}

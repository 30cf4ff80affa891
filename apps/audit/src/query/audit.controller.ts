import { Controller, Get, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  AdminAuthGuard,
  CurrentPrincipal,
  NotFoundError,
  ok,
  okList,
  orgScope,
  parseOrThrow,
  type AdminPrincipal,
} from '@llmgov/service-kit';
import { AuditLogReader } from './audit-log.reader';
import { exportQuery, listQuery, rangeQuery } from './list-query';
import { verifyChain } from '../verify/verify-chain';
import { exportStream } from '../export/export-stream';
import { contentType } from '../export/export-format';

/**
 * The audit routes of CONTRACT.md §4. An org admin reads its own org's chain; the
 * platform owner names `org_id` (`platform` for platform key events). Another org's
 * entry answers 404, as if it did not exist.
 */
@Controller('audit')
@UseGuards(AdminAuthGuard)
export class AuditController {
  constructor(@Inject(AuditLogReader) private readonly reader: AuditLogReader) {}

  @Get('events')
  async list(@CurrentPrincipal() principal: AdminPrincipal, @Query() raw: Record<string, string>) {
    const query = parseOrThrow(listQuery, raw, 'query');
    const chain = orgScope(principal, query.org_id);
    const { items, nextCursor } = await this.reader.list(chain, query, query.limit ?? 50);
    return okList(items, nextCursor);
  }

  @Get('events/:id')
  async get(@CurrentPrincipal() principal: AdminPrincipal, @Param('id') id: string) {
    const entry = await this.reader.byEventId(id);
    const visible = entry && (principal.platform_owner || entry.chain === principal.org_id);
    if (!visible) throw new NotFoundError(`No audit event ${id}`);
    return ok(entry);
  }

  @Get('verify')
  async verify(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Query() raw: Record<string, string>,
  ) {
    const query = parseOrThrow(rangeQuery, raw, 'query');
    return ok(
      await verifyChain(this.reader, orgScope(principal, query.org_id), query.from, query.to),
    );
  }

  @Get('export')
  async export(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Query() raw: Record<string, string>,
    @Res() reply: FastifyReply,
  ) {
    const query = parseOrThrow(exportQuery, raw, 'query');
    const chain = orgScope(principal, query.org_id);
    const { first, last } = await this.reader.positionRange(chain, query.from, query.to);
    const filename = `audit-${chain}.${query.format}`;
    return reply
      .header('content-type', contentType(query.format))
      .header('content-disposition', `attachment; filename="${filename}"`)
      .send(exportStream(this.reader, chain, first, last, query.format));
  }
}

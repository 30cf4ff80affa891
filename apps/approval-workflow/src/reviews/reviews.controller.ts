import { Body, Controller, Get, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import {
  AdminAuthGuard,
  CurrentPrincipal,
  Roles,
  ok,
  okList,
  parseOrThrow,
  type AdminPrincipal,
} from '@llmgov/service-kit';
import { ReviewService } from './review.service';

const recordBody = z.object({ notes: z.string().max(10_000).nullable().optional() }).strict();
const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().regex(/^\d+$/, 'not a cursor this service issued').optional(),
  })
  .strict();

/**
 * Agent review records. The registry owns `GET /governance/agents`; review status lives at
 * `/governance/agents/:id/review-status` so the two can be joined.
 */
@Controller('governance/agents')
@UseGuards(AdminAuthGuard)
export class ReviewsController {
  constructor(@Inject(ReviewService) private readonly reviews: ReviewService) {}

  @Post(':id/reviews')
  @Roles('owner', 'admin', 'reviewer')
  async record(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Param('id') agentId: string,
    @Body() body: unknown,
  ) {
    const { notes } = parseOrThrow(recordBody, body ?? {});
    return ok(await this.reviews.record(principal, agentId, notes ?? null));
  }

  @Get(':id/reviews')
  async list(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Param('id') agentId: string,
    @Query() query: unknown,
  ) {
    const { limit, cursor } = parseOrThrow(listQuery, query, 'query');
    const offset = Number(cursor ?? 0);
    const page = await this.reviews.list(principal, agentId, limit + 1, offset);
    return okList(page.slice(0, limit), page.length > limit ? String(offset + limit) : null);
  }

  @Get(':id/review-status')
  async status(@CurrentPrincipal() principal: AdminPrincipal, @Param('id') agentId: string) {
    return ok(await this.reviews.status(principal, agentId));
  }
}

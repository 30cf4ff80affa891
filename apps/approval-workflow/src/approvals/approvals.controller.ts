import {
  applyDecorators,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  AdminAuthGuard,
  CurrentPrincipal,
  NotFoundError,
  Roles,
  TenancyDirectory,
  ok,
  okList,
  parseOrThrow,
  type AdminPrincipal,
} from '@llmgov/service-kit';
import { ApprovalService } from './approval.service';
import { gatewayKeySecret, requireGatewayKey } from './gateway-key';
import type { Approval } from './approval';

const listQuery = z
  .object({
    status: z.enum(['pending', 'granted', 'rejected', 'expired', 'consumed']).optional(),
    agent_id: z.string().min(1).optional(),
    org_id: z.string().min(1).optional(),
    cursor: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
/** Long-poll: up to 30 s (CONTRACT.md §2 poll_url). */
const getQuery = z.object({ wait: z.coerce.number().min(0).max(30).default(0) }).strict();
const approveBody = z.object({ reason: z.string().max(2000).nullable().optional() }).strict();
const rejectBody = z
  .object({ reason: z.string().trim().min(1, 'a reason is required to reject').max(2000) })
  .strict();
const consumeBody = z
  .object({ fingerprint: z.string().min(1), request_id: z.string().min(1) })
  .strict();

/** A sealed answer (confidence gate): `v1.<iv>.<tag>.<ciphertext>`, at most 4 MiB. */
const heldAnswerBody = z
  .object({
    sealed: z
      .string()
      .max(4 * 1024 * 1024)
      .regex(/^v1\.[\w-]+\.[\w-]+\.[\w-]*$/, 'a sealed answer (v1.<iv>.<tag>.<ciphertext>)'),
    expires_at: z.iso.datetime({ offset: true }),
  })
  .strict();

/** A reviewer's decision on an approval: `POST /approvals/:id/<verb>`, answered 200. */
const Decision = (verb: string) =>
  applyDecorators(
    Post(`:id/${verb}`),
    HttpCode(200),
    UseGuards(AdminAuthGuard),
    Roles('owner', 'admin', 'reviewer'),
  );

/** Money on the public API is USD; events and storage keep integer micro-dollars. */
const view = (a: Approval) => ({
  id: a.approval_id,
  ...a,
  estimated_cost_usd: a.estimated_cost_micro_usd / 1_000_000,
});

@Controller('approvals')
export class ApprovalsController {
  constructor(
    @Inject(ApprovalService) private readonly approvals: ApprovalService,
    @Inject(TenancyDirectory) private readonly directory: TenancyDirectory,
    @Inject(AdminAuthGuard) private readonly adminGuard: AdminAuthGuard,
  ) {}

  @Get()
  @UseGuards(AdminAuthGuard)
  async list(@CurrentPrincipal() principal: AdminPrincipal, @Query() query: unknown) {
    const q = parseOrThrow(listQuery, query, 'query');
    const page = await this.approvals.list(principal, q);
    return okList(page.items.map(view), page.next_cursor);
  }

  /**
   * Admins of the approval's org, or the client whose gateway key made the request (the 202's
   * `poll_url`), which may long-poll with `?wait=N`.
   */
  @Get(':id')
  async get(@Param('id') id: string, @Query() query: unknown, @Req() request: FastifyRequest) {
    const { wait } = parseOrThrow(getQuery, query, 'query');
    const secret = gatewayKeySecret(request.headers);
    if (secret) {
      const key = requireGatewayKey(this.directory, secret);
      const asOrg: AdminPrincipal = {
        kind: 'admin_key',
        id: key.key_id,
        org_id: key.org_id,
        role: 'viewer',
        platform_owner: false,
      };
      const approval = await this.approvals.get(asOrg, id, wait * 1000);
      if (approval.key_id !== key.key_id) throw new NotFoundError('Approval not found');
      return ok(view(approval));
    }
    const principal = await this.authenticateAdmin(request);
    return ok(view(await this.approvals.get(principal, id, wait * 1000)));
  }

  @Decision('approve')
  async approve(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    const { reason } = parseOrThrow(approveBody, body ?? {});
    return ok(view(await this.approvals.approve(principal, id, reason ?? null)));
  }

  @Decision('reject')
  async reject(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Param('id') id: string,
    @Body() body: unknown,
  ) {
    const { reason } = parseOrThrow(rejectBody, body ?? {});
    return ok(view(await this.approvals.reject(principal, id, reason)));
  }

  /** The gateway's retry with `x-approval-id`: single use, bound to the key and the request fingerprint. */
  @Post(':id/consume')
  @HttpCode(200)
  async consume(@Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const key = requireGatewayKey(this.directory, gatewayKeySecret(request.headers));
    const input = parseOrThrow(consumeBody, body ?? {});
    const { approval, held_answer } = await this.approvals.consume(key, id, input);
    return ok({ status: approval.status, approval_id: approval.approval_id, held_answer });
  }

  /** The gateway's confidence gate stores the answer it held (sealed; the gateway's own key authenticates it). */
  @Put(':id/held-answer')
  @HttpCode(200)
  async holdAnswer(@Param('id') id: string, @Body() body: unknown, @Req() request: FastifyRequest) {
    const key = requireGatewayKey(this.directory, gatewayKeySecret(request.headers));
    const input = parseOrThrow(heldAnswerBody, body ?? {});
    await this.approvals.holdAnswer(key, id, input);
    return ok({ approval_id: id, held: true });
  }

  /** Runs the admin guard by hand (this route also admits gateway keys). */
  private async authenticateAdmin(request: FastifyRequest): Promise<AdminPrincipal> {
    const context = {
      switchToHttp: () => ({ getRequest: () => request }),
      getHandler: () => this.get,
      getClass: () => ApprovalsController,
    };
    await this.adminGuard.canActivate(context as never);
    return (request as FastifyRequest & { principal: AdminPrincipal }).principal;
  }
}

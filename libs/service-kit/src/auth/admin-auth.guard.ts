import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors/domain-errors';
import type { AdminPrincipal } from './principal';
import { TenancyDirectory, type AdminRole } from './tenancy-directory';
import { JwtVerifier } from './jwt-verifier';

const ROLES = 'llmgov:roles';
/** Roles allowed on a route (default when absent: any authenticated admin principal). */
export const Roles = (...roles: AdminRole[]) => SetMetadata(ROLES, roles);

type WithPrincipal = FastifyRequest & { principal?: AdminPrincipal };

/** The authenticated admin principal of this request (set by AdminAuthGuard). */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AdminPrincipal => {
    const principal = ctx.switchToHttp().getRequest<WithPrincipal>().principal;
    if (!principal) throw new UnauthorizedError();
    return principal;
  },
);

/**
 * Authenticates admin routes: `Authorization: Bearer msh_…` (looked up by hash in the
 * local tenancy view) or a JWT. Enforces `@Roles(...)`. The platform owner passes every
 * role check. Secrets are never echoed in errors.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TenancyDirectory) private readonly directory: TenancyDirectory,
    @Inject(JwtVerifier) private readonly jwt: JwtVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WithPrincipal>();
    const principal = await this.authenticate(request.headers.authorization);
    if (!principal)
      throw new UnauthorizedError(
        'Missing or invalid admin credentials (Authorization: Bearer msh_… or a JWT)',
      );
    const roles = this.reflector.getAllAndOverride<AdminRole[] | undefined>(ROLES, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (roles && !principal.platform_owner && !roles.includes(principal.role)) {
      throw new ForbiddenError(
        `Role '${principal.role}' may not do this; requires one of: ${roles.join(', ')}`,
        'insufficient_role',
      );
    }
    request.principal = principal;
    return true;
  }

  private async authenticate(header: string | undefined): Promise<AdminPrincipal | null> {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) return null;
    const token = match[1];
    if (token.startsWith('msh_')) {
      const key = this.directory.findBySecret(token);
      if (!key || key.kind !== 'admin' || !key.role) return null;
      return {
        kind: key.platform_owner ? 'bootstrap' : 'admin_key',
        id: key.key_id,
        org_id: key.org_id,
        role: key.role,
        platform_owner: key.platform_owner,
      };
    }
    return this.jwt.verify(token);
  }
}

/**
 * The org a principal acts on: its own; the platform owner names one explicitly.
 * Naming another org's objects answers 404 (CONTRACT.md §1), so callers compare with this;
 * an org admin naming another org's `org_id` gets 404 too, never silently its own org.
 */
export function orgScope(principal: AdminPrincipal, requestedOrgId?: string | null): string {
  if (principal.platform_owner) {
    if (!requestedOrgId)
      throw new ForbiddenError('The platform owner must name org_id', 'org_required');
    return requestedOrgId;
  }
  if (requestedOrgId && requestedOrgId !== principal.org_id)
    throw new NotFoundError(`Org ${requestedOrgId} not found`);
  return principal.org_id as string;
}

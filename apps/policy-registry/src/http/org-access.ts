import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  actorOf,
  NotFoundError,
  orgScope,
  parseOrThrow,
  type AdminPrincipal,
} from '@llmgov/service-kit';
import { isRefused, type Decision } from '@llmgov/eventstore';
import type { DecideContext, OrgEvent } from '../domain/org-events';
import { requireOrg } from '../domain/tenancy.decide';
import { headVersion, type OrgState } from '../domain/org-state';
import { OrgRepository, orgStream } from '../persistence/org-repository';

/**
 * The org a principal acts on, loaded; commands on it. An org admin acts on its own org
 * only; the platform owner names `org_id`. An org that does not exist answers 404.
 */
@Injectable()
export class OrgAccess {
  constructor(@Inject(OrgRepository) private readonly repo: OrgRepository) {}

  async read(principal: AdminPrincipal, orgId?: string | null): Promise<OrgState> {
    const state = await this.repo.load(orgStream(orgScope(principal, orgId)));
    if (!state.org) throw new NotFoundError('Org not found');
    return state;
  }

  async run<R>(
    principal: AdminPrincipal,
    orgId: string | null | undefined,
    decide: (state: OrgState, ctx: DecideContext) => Decision<OrgEvent, R>,
  ) {
    const id = orgScope(principal, orgId);
    return this.repo.execute(orgStream(id), actorOf(principal), (state, ctx) => {
      const org = requireOrg(state);
      return isRefused(org) ? org : decide(state, ctx);
    });
  }

  /**
   * Runs a command from a request body: `schema` parses it (400 naming the field), its
   * `org_id` names the org and the rest is the command's input.
   */
  async runBody<S extends z.ZodType<{ org_id?: string }>, R>(
    principal: AdminPrincipal,
    schema: S,
    body: unknown,
    decide: (
      state: OrgState,
      input: Omit<z.infer<S>, 'org_id'>,
      ctx: DecideContext,
    ) => Decision<OrgEvent, R>,
  ) {
    const { org_id, ...input } = parseOrThrow(schema, body);
    return this.run(principal, org_id, (state, ctx) => decide(state, input, ctx));
  }

  /**
   * Runs a command that takes `id` out of the org's policy document; the answer names it and
   * the document version the removal made.
   */
  async remove(
    principal: AdminPrincipal,
    orgId: string | null | undefined,
    id: string,
    decide: (state: OrgState, ctx: DecideContext) => Decision<OrgEvent, unknown>,
  ): Promise<{ id: string; deleted: true; policy_version: number }> {
    const { state } = await this.run(principal, orgId, decide);
    return { id, deleted: true, policy_version: headVersion(state)!.policy_version };
  }
}

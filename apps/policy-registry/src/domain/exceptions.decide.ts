import {
  CONTENT_CATEGORIES,
  MAX_EXCEPTION_DAYS,
  PII_PATTERNS,
  resolveModel,
  type CreateExceptionInput,
  type PolicyException,
} from '@llmgov/policy-schema';
import { accept, isRefused, refuse, type Decision, type Refused } from '@llmgov/eventstore';
import type { DecideContext, OrgEvent } from './org-events';
import { headDocument } from './document.decide';
import type { OrgState } from './org-state';
import { unknownRef } from './tenancy.decide';
import { newVersion } from './versions';

const DAY_MS = 86_400_000;
const PROVIDER = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const invalid = (field: string, message: string): Refused =>
  refuse('invalid', 'validation_failed', `${field}: ${message}`, [{ field, message }]);

/**
 * The exempted thing, checked for its kind and spelled as the gateway compares it: a PII
 * pattern or content category of the schema, a catalogue model (by its catalogue id, so
 * `openai/gpt-4o` and `gpt-4o` are one exception), a provider name.
 */
function canonicalTarget(kind: PolicyException['kind'], target: string): string | Refused {
  switch (kind) {
    case 'pii_pattern':
      if (!(PII_PATTERNS as readonly string[]).includes(target))
        return invalid(
          'target',
          `unknown PII pattern '${target}': one of ${PII_PATTERNS.join(', ')}`,
        );
      return target;
    case 'content_category':
      if (!(CONTENT_CATEGORIES as readonly string[]).includes(target))
        return invalid(
          'target',
          `unknown content category '${target}': one of ${CONTENT_CATEGORIES.join(', ')}`,
        );
      return target;
    case 'model': {
      const m = resolveModel(target);
      if (!m?.entry) return invalid('target', `unknown model '${target}': use a catalogue model`);
      return m.id;
    }
    case 'provider':
      if (!PROVIDER.test(target)) return invalid('target', `'${target}' is not a provider name`);
      return target;
    default: {
      const never: never = kind;
      throw new Error(`unknown exception kind ${String(never)}`);
    }
  }
}

/** The scope's id must name a team, agent or gateway key of this org; `org` takes none. */
function checkScope(
  state: OrgState,
  scope: PolicyException['scope'],
  id: string | null,
): Refused | null {
  if (scope === 'org') return id ? invalid('scope_id', "not allowed when scope is 'org'") : null;
  if (!id) return invalid('scope_id', `required when scope is '${scope}'`);
  const exists =
    scope === 'team'
      ? state.teams.has(id)
      : scope === 'agent'
        ? state.agents.has(id)
        : state.keys.get(id)?.kind === 'gateway';
  return exists ? null : unknownRef('scope_id', id);
}

/**
 * A time-limited, scoped exemption (CONTRACT.md §6), approved by the caller: a new version of
 * the document. It must expire in the future and within MAX_EXCEPTION_DAYS.
 */
export function createException(
  state: OrgState,
  input: CreateExceptionInput,
  ctx: DecideContext,
): Decision<OrgEvent, PolicyException> {
  const doc = headDocument(state);
  if (isRefused(doc)) return doc;
  const now = Date.parse(ctx.now);
  const expires = Date.parse(input.expires_at);
  if (expires <= now) return invalid('expires_at', 'must be in the future');
  if (expires > now + MAX_EXCEPTION_DAYS * DAY_MS)
    return invalid('expires_at', `must be within ${MAX_EXCEPTION_DAYS} days`);
  const scope_id = input.scope_id ?? null;
  const badScope = checkScope(state, input.scope, scope_id);
  if (badScope) return badScope;
  const target = canonicalTarget(input.kind, input.target);
  if (isRefused(target)) return target;
  const exception: PolicyException = {
    id: ctx.newId('exc'),
    kind: input.kind,
    target,
    scope: input.scope,
    scope_id,
    approver: ctx.actor.id,
    reason: input.reason,
    expires_at: new Date(expires).toISOString(),
    created_at: ctx.now,
  };
  doc.exceptions.push(exception);
  const cause = { kind: 'exception_created' as const, exception_id: exception.id, exception };
  return accept(newVersion(state, doc, cause, ctx), exception);
}

/** Withdraws an exception before its expiry: a new version without it. */
export function revokeException(
  state: OrgState,
  cmd: { exception_id: string },
  ctx: DecideContext,
): Decision<OrgEvent> {
  const doc = headDocument(state);
  if (isRefused(doc)) return doc;
  const exception = doc.exceptions.find((e) => e.id === cmd.exception_id);
  if (!exception)
    return refuse('not_found', 'not_found', `Exception ${cmd.exception_id} not found`);
  doc.exceptions = doc.exceptions.filter((e) => e.id !== cmd.exception_id);
  const cause = { kind: 'exception_revoked' as const, exception_id: exception.id, exception };
  return accept(newVersion(state, doc, cause, ctx));
}

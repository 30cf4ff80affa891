import type { EnvelopeBase } from '@llmgov/events';
import { PLATFORM_CHAIN, type AuditEntry } from './entry';

/** The indexed columns of an entry, read from whatever fields of that name the event has. */
export type IndexFields = Pick<
  AuditEntry,
  | 'chain'
  | 'actor'
  | 'agent_id'
  | 'key_id'
  | 'model'
  | 'step'
  | 'code'
  | 'policy_version'
  | 'request_id'
>;

const str = (value: unknown): string | null =>
  typeof value === 'string' && value.length > 0 ? value : null;

/**
 * Every event schema names these fields the same way (libs/events), so one generic read
 * covers every type, and a new type is indexed without a change here.
 */
export function indexFields(event: EnvelopeBase): IndexFields {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const who = (data.actor ?? data.reviewer) as { kind?: unknown; id?: unknown } | undefined;
  return {
    chain: str(data.org_id) ?? PLATFORM_CHAIN,
    actor: who && str(who.kind) && str(who.id) ? `${who.kind}:${who.id}` : null,
    agent_id: str(data.agent_id),
    key_id: str(data.key_id),
    model: str(data.model),
    step: str(data.step),
    code: str(data.code),
    policy_version: typeof data.policy_version === 'number' ? data.policy_version : null,
    request_id: str(data.request_id),
  };
}

/** ISO-8601 UTC with milliseconds: the one spelling of time in hashed entries. */
export const isoMillis = (time: string | Date): string => new Date(time).toISOString();

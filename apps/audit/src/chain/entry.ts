import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The chain of entries that have no org (platform keys). */
export const PLATFORM_CHAIN = 'platform';

/** `prev_hash` of position 1 of every chain. */
export const GENESIS_HASH = `sha256:${'0'.repeat(64)}`;

/**
 * One entry of an org's audit log, exactly as exported: every field but `hash` is hashed
 * (sha256 over its RFC 8785 canonical JSON, `prev_hash` included), so a third party
 * re-verifies an export offline (docs/audit.md).
 */
export interface AuditEntry {
  /** The org id, or `platform`. */
  chain: string;
  /** 1, 2, 3… per chain, gapless. */
  position: number;
  event_id: string;
  type: string;
  /** Logical topic the event came from. */
  topic: string;
  /** The event's own time (ISO-8601 UTC, milliseconds). */
  time: string;
  /** When the audit service appended it (ISO-8601 UTC, milliseconds). */
  recorded_at: string;
  /** `<kind>:<id>` of who did an admin action (`actor` or `reviewer`), else null. */
  actor: string | null;
  agent_id: string | null;
  key_id: string | null;
  model: string | null;
  step: string | null;
  code: string | null;
  policy_version: number | null;
  request_id: string | null;
  /** The CloudEvent as published, minus what the org's log level excludes. */
  event: Record<string, unknown>;
  prev_hash: string;
}

export interface HashedEntry extends AuditEntry {
  hash: string;
}

/** The entry's hash: `sha256:` + hex of sha256(canonical JSON of the entry without `hash`). */
export function hashEntry(entry: AuditEntry): string {
  const { hash: _ignored, ...body } = entry as HashedEntry;
  const canonical = canonicalize(body);
  if (canonical === undefined) throw new Error('entry cannot be canonicalised');
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

/** Seals an entry: adds its hash. */
export const seal = (entry: AuditEntry): HashedEntry => ({ ...entry, hash: hashEntry(entry) });

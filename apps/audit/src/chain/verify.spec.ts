import { GENESIS_HASH, hashEntry, seal, type AuditEntry, type HashedEntry } from './entry';
import { ChainVerifier, genesisAnchor } from './verify';

const base: Omit<AuditEntry, 'position' | 'prev_hash' | 'event_id'> = {
  chain: 'org_a',
  type: 'key.revoked',
  topic: 'governance.tenancy.v1',
  time: '2026-04-01T10:00:00.000Z',
  recorded_at: '2026-04-01T10:00:01.000Z',
  actor: 'admin_key:key_1',
  agent_id: null,
  key_id: 'key_2',
  model: null,
  step: null,
  code: null,
  policy_version: null,
  request_id: null,
  event: { id: 'e', type: 'key.revoked', data: { key_id: 'key_2' } },
};

function chainOf(n: number): HashedEntry[] {
  const out: HashedEntry[] = [];
  let prev = GENESIS_HASH;
  for (let position = 1; position <= n; position++) {
    const entry = seal({ ...base, position, event_id: `evt_${position}`, prev_hash: prev });
    out.push(entry);
    prev = entry.hash;
  }
  return out;
}

const verify = (entries: HashedEntry[], head = entries[entries.length - 1]) => {
  const verifier = new ChainVerifier(genesisAnchor);
  entries.forEach((e) => verifier.check(e));
  verifier.checkHead({ position: head.position, hash: head.hash });
  return verifier.result();
};

describe('hashEntry', () => {
  it('does not depend on key order (RFC 8785 canonical JSON)', () => {
    const entry = chainOf(1)[0];
    const reordered = Object.fromEntries(Object.entries(entry).reverse()) as unknown as HashedEntry;
    expect(hashEntry(reordered)).toBe(entry.hash);
  });

  it('changes when any field changes, the previous hash included', () => {
    const entry = chainOf(1)[0];
    expect(hashEntry({ ...entry, agent_id: 'agt_x' })).not.toBe(entry.hash);
    expect(hashEntry({ ...entry, prev_hash: `sha256:${'1'.repeat(64)}` })).not.toBe(entry.hash);
    expect(hashEntry({ ...entry, event: { ...entry.event, data: { key_id: 'key_3' } } })).not.toBe(
      entry.hash,
    );
  });
});

describe('ChainVerifier', () => {
  it('accepts an intact chain and counts it', () => {
    expect(verify(chainOf(5))).toEqual({ ok: true, checked: 5, first_broken: null });
  });

  it('finds an entry whose content was changed', () => {
    const entries = chainOf(5);
    entries[2] = { ...entries[2], code: 'forged' };
    expect(verify(entries)).toEqual({ ok: false, checked: 5, first_broken: 3 });
  });

  it('finds a rewritten entry by the next link, even when its own hash was recomputed', () => {
    const entries = chainOf(5);
    entries[1] = seal({ ...entries[1], key_id: 'key_forged' });
    expect(verify(entries).first_broken).toBe(3);
  });

  it('finds a removed entry (gap)', () => {
    const entries = chainOf(5);
    entries.splice(3, 1);
    expect(verify(entries).first_broken).toBe(4);
  });

  it('finds entries cut off the end (the head says more)', () => {
    const entries = chainOf(5);
    expect(verify(entries.slice(0, 3), entries[4]).first_broken).toBe(4);
  });
});

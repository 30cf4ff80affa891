import { generateKeyPairSync, sign } from 'node:crypto';
import {
  DEFAULT_DEPLOYER,
  PLAN_DEFAULTS,
  canonicalBytes,
  digestOf,
  type PolicyDocument,
} from '@llmgov/policy-schema';
import type { EventOf, policyTopic } from '@llmgov/events';
import { PolicyStore } from './policy-store';

const keys = generateKeyPairSync('ed25519');
const spki = keys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
const ORG = 'org_p';

function published(
  version: number,
  opts: {
    status?: 'active' | 'draft';
    badDigest?: boolean;
    badSignature?: boolean;
    unsigned?: boolean;
    badDocument?: boolean;
  } = {},
): EventOf<typeof policyTopic> {
  const document = {
    org_id: ORG,
    plan: 'growth',
    settings: PLAN_DEFAULTS.growth,
    rules: [],
    deployer: { ...DEFAULT_DEPLOYER, required_signers: 1 },
    exceptions: [],
    ...(opts.badDocument ? { extra: 1 } : {}),
  } as PolicyDocument;
  const content = {
    org_id: ORG,
    policy_id: 'pdoc_p',
    policy_version: version,
    effective_date: '2026-04-01T00:00:00.000Z',
    document,
  };
  const signed = opts.badSignature ? { ...content, policy_version: version + 1 } : content;
  return {
    id: `e${version}`,
    type: 'policy.published',
    source: 't',
    time: '2026-04-01T00:00:00.000Z',
    subject: ORG,
    data: {
      ...content,
      document,
      version_id: `pv_${version}`,
      status: opts.status ?? 'active',
      digest: opts.badDigest ? `sha256:${'0'.repeat(64)}` : digestOf(content),
      signatures: opts.unsigned
        ? []
        : [
            {
              signer: 'alice@example.com',
              signer_key_id: 'k',
              signature: sign(null, canonicalBytes(signed), keys.privateKey).toString('base64'),
              signed_at: '2026-04-01T00:00:00.000Z',
            },
          ],
      required_signers: 1,
      signer_keys: { k: spki },
      actor: { kind: 'system', id: 't' },
    },
  };
}

describe('PolicyStore', () => {
  it.each([
    ['a verified active version', published(2), 'activated', 2],
    ['a draft', published(2, { status: 'draft' }), 'ignored', 1],
    ['an older version', published(1), 'ignored', 1],
    ['a digest that does not match', published(2, { badDigest: true }), 'rejected', 1],
    ['a signature over other content', published(2, { badSignature: true }), 'rejected', 1],
    ['an active version without its quorum', published(2, { unsigned: true }), 'rejected', 1],
    ['a document that does not parse', published(2, { badDocument: true }), 'rejected', 1],
  ])('%s → %s, enforcing version %d', (_n, event, result, enforced) => {
    const rejections: string[] = [];
    const store = new PolicyStore((_org, _v, reason) => rejections.push(reason));
    expect(store.apply(published(1))).toBe('activated');
    expect(store.apply(event)).toBe(result);
    expect(store.active(ORG)?.policy_version).toBe(enforced);
    expect(rejections.length).toBe(result === 'rejected' ? 1 : 0);
  });

  it('enforces nothing for an org whose only version fails verification (fail closed)', () => {
    const store = new PolicyStore();
    expect(store.apply(published(1, { badDigest: true }))).toBe('rejected');
    expect(store.active(ORG)).toBeUndefined();
  });

  it('cites the signers and digest of the enforced version', () => {
    const store = new PolicyStore();
    const e = published(3);
    store.apply(e);
    expect(store.active(ORG)).toMatchObject({
      policy_id: 'pdoc_p',
      version_id: 'pv_3',
      signed_by: ['alice@example.com'],
      digest: (e.data as { digest: string }).digest,
    });
  });
});

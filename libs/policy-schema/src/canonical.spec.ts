import { generateKeyPairSync, sign } from 'node:crypto';
import {
  canonicalBytes,
  canonicalJson,
  digestOf,
  isEd25519PublicKey,
  verifySignature,
  verifyVersion,
  type PublishedVersionData,
} from './canonical';

const content = {
  org_id: 'org_1',
  policy_id: 'pdoc_1',
  policy_version: 3,
  effective_date: '2026-04-01T00:00:00.000Z',
  document: { b: 1, a: { d: [2, 1], c: 'x' } },
};

function signer() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  return {
    pub,
    sign: (c: typeof content) => sign(null, canonicalBytes(c), privateKey).toString('base64'),
  };
}

describe('canonical policy version', () => {
  it('sorts keys at every level and drops fields outside the signed content', () => {
    expect(canonicalJson({ ...content, status: 'active' } as typeof content)).toBe(
      '{"document":{"a":{"c":"x","d":[2,1]},"b":1},"effective_date":"2026-04-01T00:00:00.000Z","org_id":"org_1","policy_id":"pdoc_1","policy_version":3}',
    );
  });

  it('digests the same content the same way whatever the key order', () => {
    const reordered = {
      document: { a: { c: 'x', d: [2, 1] }, b: 1 },
      policy_version: 3,
      policy_id: 'pdoc_1',
      org_id: 'org_1',
      effective_date: content.effective_date,
    };
    expect(digestOf(reordered)).toBe(digestOf(content));
    expect(digestOf(content)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(digestOf({ ...content, policy_version: 4 })).not.toBe(digestOf(content));
  });

  it('verifies an Ed25519 signature and rejects one over other content or with another key', () => {
    const alice = signer();
    const bob = signer();
    const sig = alice.sign(content);
    expect(isEd25519PublicKey(alice.pub)).toBe(true);
    expect(isEd25519PublicKey('bm90IGEga2V5')).toBe(false);
    expect(verifySignature(content, sig, alice.pub)).toBe(true);
    expect(verifySignature(content, sig, bob.pub)).toBe(false);
    expect(verifySignature({ ...content, policy_version: 9 }, sig, alice.pub)).toBe(false);
    expect(verifySignature(content, 'garbage', alice.pub)).toBe(false);
  });

  describe('verifyVersion', () => {
    const alice = signer();
    const published = (over: Partial<PublishedVersionData> = {}): PublishedVersionData => ({
      ...content,
      status: 'active',
      digest: digestOf(content),
      required_signers: 1,
      signatures: [
        { signer: 'alice@example.com', signer_key_id: 'sk_a', signature: alice.sign(content) },
      ],
      signer_keys: { sk_a: alice.pub },
      ...over,
    });

    it('accepts a consistent, signed, quorate version', () => {
      expect(verifyVersion(published())).toEqual({ ok: true });
    });
    it('rejects a tampered document (digest mismatch)', () => {
      const result = verifyVersion(published({ document: { b: 2 } }));
      expect(result).toMatchObject({
        ok: false,
        reason: expect.stringContaining('digest mismatch'),
      });
    });
    it('rejects a forged signature', () => {
      const mallory = signer();
      const result = verifyVersion(
        published({
          signatures: [
            {
              signer: 'alice@example.com',
              signer_key_id: 'sk_a',
              signature: mallory.sign(content),
            },
          ],
        }),
      );
      expect(result).toMatchObject({
        ok: false,
        reason: expect.stringContaining('invalid signature'),
      });
    });
    it('rejects a signature whose key is missing', () => {
      expect(verifyVersion(published({ signer_keys: {} }))).toMatchObject({ ok: false });
    });
    it('rejects an active version below quorum, accepts a draft below quorum', () => {
      expect(verifyVersion(published({ required_signers: 2 }))).toMatchObject({
        ok: false,
        reason: expect.stringContaining('quorum'),
      });
      expect(verifyVersion(published({ required_signers: 2, status: 'draft' }))).toEqual({
        ok: true,
      });
    });
    it('accepts quorum 0 without signatures', () => {
      expect(
        verifyVersion(published({ required_signers: 0, signatures: [], signer_keys: {} })),
      ).toEqual({ ok: true });
    });
  });
});

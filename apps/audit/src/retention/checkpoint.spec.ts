import {
  checkpointSignatureValid,
  cutPosition,
  generateSigningKey,
  loadSigningKey,
  signCheckpoint,
} from './checkpoint';

describe('checkpoint', () => {
  const { privateKeyDer, key } = generateSigningKey();
  const body = {
    chain: 'org_a',
    position: 1000,
    hash: `sha256:${'a'.repeat(64)}`,
    pruned: 1000,
    created_at: '2026-04-01T00:00:00.000Z',
  };

  it('verifies with a trusted key and fails once any field changes', () => {
    const checkpoint = signCheckpoint(body, key);
    expect(checkpointSignatureValid(checkpoint, [key.publicKey])).toBe(true);
    expect(
      checkpointSignatureValid({ ...checkpoint, hash: `sha256:${'b'.repeat(64)}` }, [
        key.publicKey,
      ]),
    ).toBe(false);
    expect(checkpointSignatureValid({ ...checkpoint, position: 2000 }, [key.publicKey])).toBe(
      false,
    );
  });

  it('is not trusted when signed by an unknown key', () => {
    const other = generateSigningKey().key;
    expect(checkpointSignatureValid(signCheckpoint(body, other), [key.publicKey])).toBe(false);
  });

  it('loads AUDIT_SIGNING_KEY as base64 PKCS#8 DER or PEM', () => {
    expect(loadSigningKey(privateKeyDer).publicKey).toBe(key.publicKey);
    const pem = `-----BEGIN PRIVATE KEY-----\n${privateKeyDer}\n-----END PRIVATE KEY-----\n`;
    expect(loadSigningKey(pem).publicKey).toBe(key.publicKey);
  });
});

describe('cutPosition', () => {
  it.each([
    [999, 1000, 0, 0],
    [1000, 1000, 0, 1000],
    [2500, 1000, 0, 2000],
    [2500, 1000, 2000, 0],
    [3000, 1000, 2000, 3000],
  ])('last expired %i, segment %i, pruned %i → cut at %i', (lastExpired, segment, pruned, cut) => {
    expect(cutPosition(lastExpired, segment, pruned)).toBe(cut);
  });
});

import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * What remains of a pruned segment: the position and hash at the cut, signed with the
 * audit's Ed25519 key, so verification resumes from it after the entries are gone.
 */
export interface Checkpoint {
  chain: string;
  /** The last pruned position. */
  position: number;
  /** The hash of the entry at that position. */
  hash: string;
  /** How many entries were removed up to this cut (all segments so far). */
  pruned: number;
  created_at: string;
  /** base64 SPKI DER of the signing key. */
  public_key: string;
  /** base64 Ed25519 signature over the canonical JSON of every other field. */
  signature: string;
}

export type UnsignedCheckpoint = Omit<Checkpoint, 'public_key' | 'signature'>;

export interface SigningKey {
  privateKey: KeyObject;
  /** base64 SPKI DER. */
  publicKey: string;
}

const signedBytes = (c: Omit<Checkpoint, 'signature'>): Buffer =>
  Buffer.from(canonicalize(c) as string);

export function signCheckpoint(body: UnsignedCheckpoint, key: SigningKey): Checkpoint {
  const withKey = { ...body, public_key: key.publicKey };
  return {
    ...withKey,
    signature: sign(null, signedBytes(withKey), key.privateKey).toString('base64'),
  };
}

/** True when the signature is valid for the checkpoint's own public key (and that key is trusted). */
export function checkpointSignatureValid(
  checkpoint: Checkpoint,
  trustedPublicKeys: readonly string[],
): boolean {
  if (!trustedPublicKeys.includes(checkpoint.public_key)) return false;
  const { signature, ...body } = checkpoint;
  try {
    const publicKey = createPublicKey({
      key: Buffer.from(checkpoint.public_key, 'base64'),
      format: 'der',
      type: 'spki',
    });
    return verify(null, signedBytes(body), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** A new Ed25519 key; the private half as base64 PKCS#8 DER (what AUDIT_SIGNING_KEY holds). */
export function generateSigningKey(): { privateKeyDer: string; key: SigningKey } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const privateKeyDer = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  return { privateKeyDer, key: loadSigningKey(privateKeyDer) };
}

/** Loads AUDIT_SIGNING_KEY: base64 PKCS#8 DER or a PEM. */
export function loadSigningKey(material: string): SigningKey {
  const privateKey = material.includes('-----BEGIN')
    ? createPrivateKey(material)
    : createPrivateKey({ key: Buffer.from(material, 'base64'), format: 'der', type: 'pkcs8' });
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error('AUDIT_SIGNING_KEY must be an Ed25519 private key');
  const publicKey = createPublicKey(privateKey)
    .export({ format: 'der', type: 'spki' })
    .toString('base64');
  return { privateKey, publicKey };
}

/**
 * Where to cut: positions are pruned in whole segments of `segmentSize` (1…S, S+1…2S…),
 * and only segments whose every entry is older than the retention window. `lastExpired`
 * is the highest position recorded before the cutoff; the answer is the last position to
 * prune (0: nothing), never beyond what was already pruned backwards.
 */
export function cutPosition(
  lastExpired: number,
  segmentSize: number,
  alreadyPruned: number,
): number {
  const cut = Math.floor(lastExpired / segmentSize) * segmentSize;
  return cut > alreadyPruned ? cut : 0;
}

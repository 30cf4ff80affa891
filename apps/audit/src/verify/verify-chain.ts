import { ChainVerifier, genesisAnchor, type ChainAnchor, type VerifyResult } from '../chain/verify';
import { checkpointSignatureValid } from '../retention/checkpoint';
import type { AuditLogReader } from '../query/audit-log.reader';
import type { Bound } from '../query/list-query';

/**
 * Recomputes a chain (or the positions a range covers) from the database. The anchor
 * is the entry before the range, else the signed checkpoint at the cut of a pruned
 * segment, else genesis; without an upper bound the chain must also end at its head.
 * Everything is read from one snapshot: a chain growing (or being pruned) meanwhile is
 * seen as it was when verification began, never as entries from one moment and a head
 * from a later one (issue 17 item 7: that looked like tampering).
 */
export function verifyChain(
  reader: AuditLogReader,
  chain: string,
  from?: Bound,
  to?: Bound,
): Promise<VerifyResult> {
  return reader.snapshot((snapshot) => verifySnapshot(snapshot, chain, from, to));
}

async function verifySnapshot(
  reader: AuditLogReader,
  chain: string,
  from?: Bound,
  to?: Bound,
): Promise<VerifyResult> {
  const range = await reader.positionRange(chain, from, to);
  const checkpoint = await reader.checkpoint(chain);
  const pruned = checkpoint?.position ?? 0;
  const first = Math.max(range.first, pruned + 1);

  let anchor: ChainAnchor | null = null;
  let anchorValid = true;
  if (first - 1 === pruned && checkpoint) {
    anchor = { position: checkpoint.position, hash: checkpoint.hash };
    anchorValid = checkpointSignatureValid(checkpoint, await reader.trustedPublicKeys());
  } else if (first === 1) {
    anchor = genesisAnchor;
  } else {
    const previous = await reader.entryAt(chain, first - 1);
    anchor = previous
      ? { position: previous.position, hash: previous.hash }
      : { position: first - 1, hash: '(missing)' };
  }

  const verifier = new ChainVerifier(anchor);
  if (!anchorValid) verifier.breakAt(first);
  for await (const entry of reader.scan(chain, first, range.last)) verifier.check(entry);
  if (to === undefined) {
    const head = await reader.head(chain);
    if (head) verifier.checkHead(head);
  }
  return verifier.result();
}

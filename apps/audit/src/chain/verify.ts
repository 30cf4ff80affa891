import { GENESIS_HASH, hashEntry, type HashedEntry } from './entry';

/** Where verification of a chain (or a range of it) starts. */
export interface ChainAnchor {
  /** The position before the first entry to check (0 at genesis, or a checkpoint's). */
  position: number;
  /** The hash at that position (GENESIS_HASH at 0). */
  hash: string;
}

export const genesisAnchor: ChainAnchor = { position: 0, hash: GENESIS_HASH };

export interface VerifyResult {
  ok: boolean;
  checked: number;
  first_broken: number | null;
}

/**
 * Checks entries in position order, one at a time (constant memory over any length):
 * each must follow the previous position without a gap, link to the previous hash, and
 * hash to what it claims. The first failure is remembered; later entries are still counted.
 */
export class ChainVerifier {
  private expected: ChainAnchor;
  private checked = 0;
  private firstBroken: number | null = null;

  constructor(anchor: ChainAnchor) {
    this.expected = anchor;
  }

  check(entry: HashedEntry): void {
    this.checked++;
    const intact =
      entry.position === this.expected.position + 1 &&
      entry.prev_hash === this.expected.hash &&
      hashEntry(entry) === entry.hash;
    if (!intact)
      this.breakAt(
        entry.position === this.expected.position + 1 ? entry.position : this.expected.position + 1,
      );
    this.expected = { position: entry.position, hash: entry.hash };
  }

  /** The chain must end where its head says (entries cut off the end are a break too). */
  checkHead(head: ChainAnchor): void {
    if (head.position !== this.expected.position || head.hash !== this.expected.hash)
      this.breakAt(this.expected.position + 1);
  }

  breakAt(position: number): void {
    if (this.firstBroken === null) this.firstBroken = position;
  }

  result(): VerifyResult {
    return { ok: this.firstBroken === null, checked: this.checked, first_broken: this.firstBroken };
  }
}

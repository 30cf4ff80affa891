import { OffsetCommitter, type PartitionOffset } from './offset-committer';

describe('OffsetCommitter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const setUp = (commit?: (offsets: PartitionOffset[]) => Promise<void>) => {
    const sent: PartitionOffset[][] = [];
    const errors: unknown[] = [];
    const committer = new OffsetCommitter(
      't',
      1000,
      commit ?? (async (offsets) => void sent.push(offsets)),
      (e) => void errors.push(e),
    );
    return { committer, sent, errors };
  };

  it('commits what was handled once per interval, the next offset of each partition', async () => {
    const { committer, sent } = setUp();
    committer.handledUpTo(0, '4');
    committer.handledUpTo(1, '9');
    committer.handledUpTo(0, '7');
    await jest.advanceTimersByTimeAsync(999);
    expect(sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([
      [
        { topic: 't', partition: 0, offset: '8' },
        { topic: 't', partition: 1, offset: '10' },
      ],
    ]);
    // Nothing handled since: no further commit.
    await jest.advanceTimersByTimeAsync(5000);
    expect(sent).toHaveLength(1);
  });

  it('flushes at once through the commit it is given (a stopping consumer, a failed batch)', async () => {
    const { committer, sent } = setUp();
    const direct: PartitionOffset[][] = [];
    committer.handledUpTo(2, '41');
    await committer.flush(async (offsets) => void direct.push(offsets));
    expect(direct).toEqual([[{ topic: 't', partition: 2, offset: '42' }]]);
    await jest.advanceTimersByTimeAsync(2000);
    expect(sent).toEqual([]); // already committed
  });

  it('drops the offsets of a failed commit (redelivered, never skipped); later ones commit as usual', async () => {
    let fail = true;
    const sent: PartitionOffset[][] = [];
    const { committer, errors } = setUp(async (offsets) => {
      if (fail) throw new Error('rebalancing');
      sent.push(offsets);
    });
    committer.handledUpTo(0, '1');
    committer.handledUpTo(1, '1');
    await jest.advanceTimersByTimeAsync(1000);
    expect(errors).toHaveLength(1);
    fail = false;
    await jest.advanceTimersByTimeAsync(5000);
    expect(sent).toEqual([]); // partition 0 and 1 may be another member's now
    committer.handledUpTo(1, '5');
    await jest.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual([[{ topic: 't', partition: 1, offset: '6' }]]);
  });

  it('sends no timed commit once stopped, but still flushes when asked', async () => {
    const { committer, sent } = setUp();
    committer.handledUpTo(0, '3');
    committer.stop();
    committer.handledUpTo(0, '4');
    await jest.advanceTimersByTimeAsync(5000);
    expect(sent).toEqual([]);
    await committer.flush();
    expect(sent).toEqual([[{ topic: 't', partition: 0, offset: '5' }]]);
  });
});

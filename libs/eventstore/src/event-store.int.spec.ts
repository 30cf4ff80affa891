import { EventValidationError } from '@llmgov/messaging';
import { waitFor } from '@llmgov/testing';
import { ConcurrencyError } from './errors';
import {
  appendCounter,
  counterEvent,
  countersTopic,
  eventstoreFixture,
} from './eventstore.fixture';
import type { EventStore } from './event-store';
import { outboxMessage } from './outbox/outbox-message';

let fixture: Awaited<ReturnType<typeof eventstoreFixture>>;
let store: EventStore;

beforeAll(async () => {
  fixture = await eventstoreFixture('eventstore');
  store = fixture.store;
});
afterAll(() => fixture.cleanup());

const outboxCount = async (streamId: string) =>
  Number(
    (
      (await fixture.dataSource.query(
        `SELECT count(*) AS n FROM "${fixture.schema}".outbox WHERE key = $1`,
        [streamId],
      )) as Array<{ n: string }>
    )[0].n,
  );

describe('EventStore', () => {
  it('lets exactly one of two concurrent appends at the same expected version win', async () => {
    for (let round = 0; round < 10; round++) {
      const stream = `race-${round}`;
      await appendCounter(store, stream, 1);

      const results = await Promise.allSettled([
        appendCounter(store, stream, 2, 'a'),
        appendCounter(store, stream, 2, 'b'),
      ]);

      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(losers).toHaveLength(1);
      expect(losers[0].reason).toBeInstanceOf(ConcurrencyError);
      expect(losers[0].reason).toMatchObject({ code: 'concurrency_conflict', streamId: stream });
      expect((await store.readStream(stream)).map((e) => e.version)).toEqual([1, 2]);
      expect(await outboxCount(stream)).toBe(2);
    }
  });

  it('turns the loser of an insert race into a ConcurrencyError (primary key on stream and version)', async () => {
    await appendCounter(store, 'interleaved', 1);
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    // The first append stays uncommitted while the second reads version 1 and inserts version 2.
    const first = store.transaction(async (manager) => {
      const { stored } = counterEvent('interleaved', 2, 'first');
      await store.append('interleaved', 'counter', 1, [stored], { manager });
      await firstHolds;
    });
    await new Promise((r) => setTimeout(r, 50));
    const second = appendCounter(store, 'interleaved', 2, 'second');
    await new Promise((r) => setTimeout(r, 100));
    releaseFirst();

    await first;
    await expect(second).rejects.toThrow(ConcurrencyError);
    expect((await store.readStream('interleaved')).map((e) => e.event_id)).toEqual([
      'evt_interleaved_1',
      'evt_interleaved_2first',
    ]);
  });

  it('rejects an expected version the stream has not reached, leaving no gap', async () => {
    await appendCounter(store, 'short', 1);

    await expect(appendCounter(store, 'short', 5)).rejects.toMatchObject({
      code: 'concurrency_conflict',
      actual: 1,
    });
    await expect(
      store.append('short', 'counter', 'no_stream', [counterEvent('short', 1, 'again').stored]),
    ).rejects.toThrow(ConcurrencyError);
    expect((await store.readStream('short')).map((e) => e.version)).toEqual([1]);
  });

  it("appends after whatever is there with 'any'", async () => {
    await store.append('anything', 'counter', 'any', [counterEvent('anything', 1).stored]);
    const result = await store.append('anything', 'counter', 'any', [
      counterEvent('anything', 2).stored,
      counterEvent('anything', 3).stored,
    ]);

    expect(result.nextExpectedVersion).toBe(3);
    expect(result.events.map((e) => e.version)).toEqual([2, 3]);
  });

  it('validates outbox messages at write time and writes nothing when one is wrong', async () => {
    const { envelope, stored } = counterEvent('invalid', 1);
    const bad = outboxMessage(countersTopic, {
      ...envelope,
      data: { counter_id: 'invalid', version: -1 },
    });

    await expect(
      store.append('invalid', 'counter', 'no_stream', [stored], { outbox: [bad] }),
    ).rejects.toThrow(EventValidationError);
    expect(await store.readStream('invalid')).toEqual([]);
    expect(await outboxCount('invalid')).toBe(0);
  });

  it('reads all streams in global order from a position', async () => {
    await appendCounter(store, 'all-a', 1);
    await appendCounter(store, 'all-b', 1);
    await appendCounter(store, 'all-a', 2);

    // readAll waits for every older transaction of the cluster (other test files' too).
    const everything = await waitFor(async () => {
      const events = await store.readAll({ limit: 10_000 });
      expect(events.filter((e) => e.stream_id.startsWith('all-'))).toHaveLength(3);
      return events;
    });
    const mine = everything.filter((e) => e.stream_id.startsWith('all-'));
    expect(mine.map((e) => `${e.stream_id}@${e.version}`)).toEqual([
      'all-a@1',
      'all-b@1',
      'all-a@2',
    ]);
    const positions = everything.map((e) => e.global_position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    const tail = await store.readAll({ fromPosition: mine[1].global_position, limit: 1 });
    expect(tail.map((e) => e.event_id)).toEqual([mine[1].event_id]);
  });

  it('does not show readers an event of a transaction still in flight', async () => {
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    const pending = store.transaction(async (manager) => {
      await store.append(
        'in-flight',
        'counter',
        'no_stream',
        [counterEvent('in-flight', 1).stored],
        { manager },
      );
      await held;
    });
    await new Promise((r) => setTimeout(r, 50));
    await appendCounter(store, 'after-in-flight', 1);

    const before = (await store.readAll({ limit: 10_000 })).map((e) => e.stream_id);
    commit();
    await pending;

    // The later, committed append stays hidden too: a checkpoint past it would skip the earlier one.
    expect(before).not.toContain('in-flight');
    expect(before).not.toContain('after-in-flight');
    await waitFor(async () => {
      const after = (await store.readAll({ limit: 10_000 })).map((e) => e.stream_id);
      expect(after).toEqual(expect.arrayContaining(['in-flight', 'after-in-flight']));
    });
  });
});

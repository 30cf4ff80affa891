import { CommandHandler, type AggregateStreams } from './command-handler';
import { accept, refuse, type Decision } from './decider';
import { eventstoreFixture } from './eventstore.fixture';
import { EventStore } from './event-store';

/** A tally: `added` events, a refusal above a cap. */
type Added = { type: 'added'; data: { n: number } };
const streams: AggregateStreams<number, Added> = {
  streamType: () => 'tally',
  initialState: () => 0,
  evolve: (total, e) => total + e.data.n,
  fromStored: (e) => ({ type: 'added', data: e.data as { n: number } }),
  toStored: (e) => ({ type: e.type, data: e.data }),
};
const add =
  (n: number, cap = Infinity) =>
  (total: number): Decision<Added, number> =>
    total + n > cap
      ? refuse('conflict', 'over_cap', `${total} + ${n} is over ${cap}`)
      : accept([{ type: 'added', data: { n } }], total + n);
const noContext = () => undefined;

let fixture: Awaited<ReturnType<typeof eventstoreFixture>>;
beforeAll(async () => {
  fixture = await eventstoreFixture('cmdhandler');
});
afterAll(() => fixture.cleanup());

describe('CommandHandler', () => {
  it('loads, folds, decides and appends with the expected version', async () => {
    const handler = new CommandHandler(fixture.store, streams);
    await handler.handle('tally-1', noContext, add(2));
    const { state, decision } = await handler.handle('tally-1', noContext, add(3));
    expect(decision).toEqual({ ok: true, events: [{ type: 'added', data: { n: 3 } }], result: 5 });
    expect(state).toBe(5);
    expect(await handler.load('tally-1')).toEqual({ state: 5, version: 2 });
  });

  it('returns a refusal without appending', async () => {
    const handler = new CommandHandler(fixture.store, streams);
    await handler.handle('tally-2', noContext, add(4));
    const { decision } = await handler.handle('tally-2', noContext, add(7, 10));
    expect(decision).toMatchObject({ ok: false, refusal: { kind: 'conflict', code: 'over_cap' } });
    expect(await handler.load('tally-2')).toEqual({ state: 4, version: 1 });
  });

  it('re-decides on the fresher state when another process appended first: no update is lost', async () => {
    // Two handlers over two stores stand for two replicas: they race through the expected version.
    const a = new CommandHandler(fixture.store, streams);
    const b = new CommandHandler(new EventStore(fixture.dataSource, fixture.schema), streams);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).handle('tally-3', noContext, add(1))),
    );
    expect(results.every((r) => r.decision.ok)).toBe(true);
    expect(await a.load('tally-3')).toEqual({ state: 6, version: 6 });
  });

  it('answers onConflict when every attempt lost', async () => {
    /** A store whose reads always miss the newest event: each append expects a stale version. */
    class StaleStore extends EventStore {
      override async readStream(streamId: string) {
        return (await super.readStream(streamId)).slice(0, -1);
      }
    }
    await fixture.store.append('tally-4', 'tally', 0, [{ type: 'added', data: { n: 1 } }]);
    const handler = new CommandHandler(
      new StaleStore(fixture.dataSource, fixture.schema),
      streams,
      {
        maxAttempts: 3,
        onConflict: (id) => new Error(`conflict on ${id}`),
      },
    );
    await expect(handler.handle('tally-4', noContext, add(1))).rejects.toThrow(
      'conflict on tally-4',
    );
    expect(await new CommandHandler(fixture.store, streams).load('tally-4')).toEqual({
      state: 1,
      version: 1,
    });
  });
});

import { eventstoreFixture } from './eventstore.fixture';
import { Inbox } from './inbox';

let fixture: Awaited<ReturnType<typeof eventstoreFixture>>;
let inbox: Inbox;

beforeAll(async () => {
  fixture = await eventstoreFixture('inbox');
  inbox = new Inbox(fixture.dataSource, fixture.schema);
}, 180_000);
afterAll(() => fixture.cleanup());

describe('Inbox.handleBatchOnce (Postgres)', () => {
  it('runs the batch with the ids not processed before, each once, and records them with its effects', async () => {
    const seen: string[][] = [];
    const run = (ids: string[]) =>
      inbox.handleBatchOnce('c', ids, async (_m, fresh) => void seen.push([...fresh].sort()));
    expect([...(await run(['a', 'b', 'b', 'c']))].sort()).toEqual(['a', 'b', 'c']);
    expect([...(await run(['b', 'c', 'd']))]).toEqual(['d']);
    expect([...(await run(['a', 'd']))]).toEqual([]);
    expect(seen).toEqual([['a', 'b', 'c'], ['d']]); // not called when nothing is new
  });

  it('records nothing when the batch fails, so a redelivery runs it again', async () => {
    await expect(
      inbox.handleBatchOnce('c', ['x', 'y'], async () => {
        throw new Error('effects failed');
      }),
    ).rejects.toThrow('effects failed');
    expect(
      [...(await inbox.handleBatchOnce('c', ['x', 'y'], async () => undefined))].sort(),
    ).toEqual(['x', 'y']);
  });

  it('lets two concurrent batches sharing ids process each id once', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `p${i}`);
    const handled: string[] = [];
    const run = (list: string[]) =>
      inbox.handleBatchOnce('concurrent', list, async (_m, fresh) => void handled.push(...fresh));
    await Promise.all([run(ids), run([...ids].reverse()), run(ids.slice(10, 30))]);
    expect(handled.sort()).toEqual([...ids].sort());
  });
});

import { SendCoalescer } from './send-coalescer';

function deferredFlush() {
  const calls: { items: number[]; done: (err?: Error) => void }[] = [];
  const flush = (items: number[]) =>
    new Promise<void>((resolve, reject) =>
      calls.push({ items, done: (err) => (err ? reject(err) : resolve()) }),
    );
  return { calls, flush };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SendCoalescer', () => {
  it('sends a lone send at once, without waiting for company', async () => {
    const { calls, flush } = deferredFlush();
    const c = new SendCoalescer(flush);
    const p = c.send([1]);
    await tick();
    expect(calls.map((x) => x.items)).toEqual([[1]]);
    calls[0].done();
    await expect(p).resolves.toBeUndefined();
  });

  it('sends what arrives during a request together in the next, in arrival order', async () => {
    const { calls, flush } = deferredFlush();
    const c = new SendCoalescer(flush);
    const first = c.send([1]);
    const second = c.send([2, 3]);
    const third = c.send([4]);
    await tick();
    expect(calls).toHaveLength(1);
    let secondSettled = false;
    void second.then(() => (secondSettled = true));
    calls[0].done();
    await first;
    await tick();
    expect(calls.map((x) => x.items)).toEqual([[1], [2, 3, 4]]);
    expect(secondSettled).toBe(false);
    calls[1].done();
    await expect(Promise.all([second, third])).resolves.toEqual([undefined, undefined]);
  });

  it('rejects every send carried by a failed request, and goes on with the next', async () => {
    const { calls, flush } = deferredFlush();
    const c = new SendCoalescer(flush);
    const first = c.send([1]);
    const second = c.send([2]);
    const third = c.send([3]);
    await tick();
    calls[0].done();
    await first;
    await tick();
    calls[1].done(new Error('broker down'));
    await expect(second).rejects.toThrow('broker down');
    await expect(third).rejects.toThrow('broker down');
    const fourth = c.send([4]);
    await tick();
    expect(calls[2].items).toEqual([4]);
    calls[2].done();
    await expect(fourth).resolves.toBeUndefined();
  });

  it('caps a request at maxItems records but never splits a send', async () => {
    const { calls, flush } = deferredFlush();
    const c = new SendCoalescer(flush, 3);
    const sends = [c.send([0]), c.send([1, 2]), c.send([3, 4]), c.send([5, 6, 7, 8])];
    await tick();
    for (let i = 0; i < 4; i += 1) {
      calls[i].done();
      await tick();
    }
    await Promise.all(sends);
    expect(calls.map((x) => x.items)).toEqual([[0], [1, 2], [3, 4], [5, 6, 7, 8]]);
  });

  it('drained() waits for every queued send to be answered', async () => {
    const { calls, flush } = deferredFlush();
    const c = new SendCoalescer(flush);
    void c.send([1]);
    void c.send([2]);
    let drained = false;
    const waiting = c.drained().then(() => (drained = true));
    await tick();
    calls[0].done();
    await tick();
    expect(drained).toBe(false);
    calls[1].done();
    await waiting;
    expect(drained).toBe(true);
    await expect(c.drained()).resolves.toBeUndefined();
  });
});

import { repeatEvery } from './periodic';

describe('repeatEvery', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs the task every interval until stopped', () => {
    const task = jest.fn(async () => undefined);
    const runs = repeatEvery(100, task, { warn: jest.fn() }, 'prune');
    jest.advanceTimersByTime(250);
    expect(task).toHaveBeenCalledTimes(2);
    runs.stop();
    jest.advanceTimersByTime(500);
    expect(task).toHaveBeenCalledTimes(2);
  });

  it('never runs when the interval is 0', () => {
    const task = jest.fn(async () => undefined);
    repeatEvery(0, task, { warn: jest.fn() }, 'prune');
    jest.advanceTimersByTime(10_000);
    expect(task).not.toHaveBeenCalled();
  });

  it('logs a failed run as a warning and settles latest()', async () => {
    const warn = jest.fn();
    const runs = repeatEvery(
      100,
      async () => Promise.reject(new Error('db gone')),
      { warn },
      'expiry sweep',
    );
    jest.advanceTimersByTime(100);
    await expect(runs.latest()).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith('expiry sweep failed: Error: db gone');
    runs.stop();
  });
});

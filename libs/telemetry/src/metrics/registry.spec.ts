import { Counter } from 'prom-client';
import {
  boundChildren,
  collectProcessMetrics,
  counter,
  gauge,
  histogram,
  metricsRegistry,
} from './registry';

describe('the shared metrics registry', () => {
  it('gives the same metric object to every caller of the same name (embedded mode mounts five services)', () => {
    const first = counter({ name: 'test_shared_total', help: 'h', labelNames: ['a'] as const });
    const second = counter({ name: 'test_shared_total', help: 'h', labelNames: ['a'] as const });
    expect(second).toBe(first);
    expect(metricsRegistry().getSingleMetric('test_shared_total')).toBe(first);
  });

  it('refuses a name already taken by another kind of metric', () => {
    histogram({ name: 'test_kind_seconds', help: 'h' });
    expect(() => gauge({ name: 'test_kind_seconds', help: 'h' })).toThrow(
      'already registered as another kind',
    );
  });

  it('registers the default process metrics once, however often asked', async () => {
    collectProcessMetrics();
    collectProcessMetrics();
    const text = await metricsRegistry().metrics();
    expect(text.match(/^# TYPE process_cpu_user_seconds_total counter$/gm)).toHaveLength(1);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('caches label children: the same values give the same child, distinct values distinct ones', async () => {
    const c = new Counter({
      name: 'test_bound_total',
      help: 'h',
      labelNames: ['x', 'y'] as const,
      registers: [metricsRegistry()],
    });
    const child = boundChildren(c.labels.bind(c));
    expect(child('a', 'b')).toBe(child('a', 'b'));
    expect(child('a', 'b')).not.toBe(child('ab', ''));
    child('a', 'b').inc();
    child('a', 'b').inc(2);
    child('ab', '').inc();
    const values = (await c.get()).values.map((v) => [v.labels, v.value]);
    expect(values).toEqual([
      [{ x: 'a', y: 'b' }, 3],
      [{ x: 'ab', y: '' }, 1],
    ]);
  });
});

import {
  agentReviewsTopic,
  approvalsTopic,
  deadLetterTopicName,
  policyTopic,
  policyViolatedTopic,
  requestsTopic,
  tenancyTopic,
} from '@llmgov/events';
import { nextBase, retentionOf, windowStart } from './event-log-retention';
import { planSegment } from './event-log-segments';

describe('event log retention rules', () => {
  it('never trims what in-memory views fold from the start, dead letters or unknown topics', () => {
    for (const t of [tenancyTopic, policyTopic, agentReviewsTopic])
      expect(retentionOf(t.name)).toBe('all');
    expect(retentionOf(deadLetterTopicName(requestsTopic.name))).toBe('all');
    expect(retentionOf('something.new.v1')).toBe('all');
    expect(retentionOf(requestsTopic.name)).toBe('window');
    expect(retentionOf(policyViolatedTopic.name)).toBe('consumed');
    expect(retentionOf(approvalsTopic.name)).toBe('consumed');
  });

  it('starts the window at the first day of the UTC month `months` back, across a year', () => {
    const jan = new Date('2027-01-31T23:59:00Z');
    expect(new Date(windowStart(jan, 1)).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(new Date(windowStart(jan, 3)).toISOString()).toBe('2026-10-01T00:00:00.000Z');
  });

  it('moves a base up to the slowest group, and for request events no further than the window', () => {
    const at = (base: number, groups: number[], firstInWindow = 1_000) => ({
      base,
      groups,
      firstInWindow: () => firstInWindow,
    });
    expect(nextBase('consumed', at(0, [40, 25, 90]))).toBe(25);
    expect(nextBase('consumed', at(30, [25]))).toBe(30);
    expect(nextBase('consumed', at(0, []))).toBe(0);
    expect(nextBase('all', at(0, [90]))).toBe(0);
    expect(nextBase('window', at(0, [90], 60))).toBe(60);
    expect(nextBase('window', at(0, [50], 60))).toBe(50);
  });

  it('deletes a segment wholly below the bases, rewrites one partly below or without offsets, keeps the rest', () => {
    const ranges = new Map([
      ['a', { first: 0, last: 9 }],
      ['b', { first: 5, last: 7 }],
    ]);
    const bases = (a: number, b: number) => (t: string) => (t === 'a' ? a : b);
    expect(planSegment(ranges, false, bases(10, 8))).toBe('delete');
    expect(planSegment(ranges, false, bases(10, 6))).toBe('rewrite');
    expect(planSegment(ranges, false, bases(0, 0))).toBe('keep');
    expect(planSegment(ranges, true, bases(0, 0))).toBe('rewrite');
    expect(planSegment(new Map(), false, bases(0, 0))).toBe('delete');
  });
});

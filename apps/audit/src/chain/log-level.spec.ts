import type { EnvelopeBase } from '@llmgov/events';
import { applyLogLevel } from './log-level';

const event = (data: Record<string, unknown>): EnvelopeBase => ({
  id: 'e1',
  type: 'x.y',
  source: '/t',
  time: '2026-04-01T00:00:00Z',
  subject: 's',
  data,
});

describe('applyLogLevel', () => {
  const leaky = event({
    org_id: 'org_a',
    key_id: 'key_1',
    request_id: 'req_1',
    messages: [{ role: 'user', content: 'my SSN is 123-45-6789' }],
    nested: { prompt: 'secret plan', api_key: 'sk-live-abc', password: 'hunter2', keep: 1 },
    preview: 'Hi, I am alice@example.com',
    key: 'gk_live',
    key_hash: 'a'.repeat(64),
    secret: 's',
    message: 'Policy violation: pii_detected',
    decision: [{ step: 'pii_scan' }],
  });

  it.each(['standard', 'minimal'] as const)(
    '%s strips every field named like content, messages, prompt, key or secret, at any depth',
    (level) => {
      const kept = JSON.stringify(applyLogLevel(leaky, level));
      for (const leak of [
        '123-45-6789',
        'secret plan',
        'sk-live-abc',
        'hunter2',
        'alice@example.com',
        'gk_live',
        'aaaaaaaa',
        '"secret"',
      ]) {
        expect(kept).not.toContain(leak);
      }
      expect(kept).toContain('"key_id":"key_1"');
      expect(kept).toContain('"keep":1');
    },
  );

  it('standard keeps ids, codes and messages; minimal drops free text and detail', () => {
    expect(applyLogLevel(leaky, 'standard').data).toMatchObject({
      message: 'Policy violation: pii_detected',
      decision: [{ step: 'pii_scan' }],
    });
    const minimal = applyLogLevel(leaky, 'minimal').data as Record<string, unknown>;
    expect(minimal.message).toBeUndefined();
    expect(minimal.decision).toBeUndefined();
    expect(minimal).toMatchObject({ org_id: 'org_a', key_id: 'key_1', request_id: 'req_1' });
  });

  it('keeps usage counters whose names merely start with prompt', () => {
    const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };
    expect(applyLogLevel(event({ usage }), 'minimal').data).toEqual({ usage });
  });

  it('verbose keeps the event as published', () => {
    expect(applyLogLevel(leaky, 'verbose')).toEqual(leaky);
  });

  it('keeps a policy document whole: pattern names such as api_key are settings, not secrets', () => {
    const published = event({
      document: { settings: { pii_patterns: { api_key: 'block', password: 'redact' } } },
    });
    expect(applyLogLevel(published, 'standard')).toEqual(published);
  });

  it("keeps a compliance remediation diff whole, in its event and in the version's change", () => {
    const diff = [
      {
        path: 'settings.pii_patterns',
        before: { api_key: 'warn' },
        after: { api_key: 'block', password: 'block' },
      },
    ];
    const applied = event({ org_id: 'org_a', check_id: 'art10_data_governance', diff });
    const published = event({
      org_id: 'org_a',
      change: { kind: 'compliance_remediation', remediation: { diff } },
    });
    expect(applyLogLevel(applied, 'standard')).toEqual(applied);
    expect(applyLogLevel(published, 'minimal')).toEqual(published);
  });
});

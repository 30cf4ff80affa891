import { piiScanStep } from './pii-scan.step';
import {
  AGENT,
  chat,
  exception,
  prepared,
  rule,
  testPolicy,
  syncRun,
  verdictOf,
} from '../testing/chain-fixture';

const card = 'pay with 4111-1111-1111-1111 please';
const email = 'write to jane.doe@example.com';

describe('pii_scan step', () => {
  it.each([
    ['clean text', 'hello there', testPolicy(), { kind: 'allow', code: null }],
    [
      'card number (block by default)',
      card,
      testPolicy(),
      { kind: 'block', code: 'pii_detected', status: 403 },
    ],
    [
      'a Luhn-invalid number passes',
      'order 4111-1111-1111-1112',
      testPolicy(),
      { kind: 'allow', code: null },
    ],
    ['email (warn by default)', email, testPolicy(), { kind: 'warn', code: 'pii_detected' }],
    [
      'API key (block)',
      'key sk-proj-abcdefghijklmnopqrstuvwxyz123456',
      testPolicy(),
      { kind: 'block', code: 'pii_detected', status: 403 },
    ],
    [
      'scanning disabled',
      card,
      testPolicy({ settings: { pii_scanning_enabled: false } }),
      { kind: 'allow', code: null },
    ],
    [
      'pattern off',
      card,
      testPolicy({ settings: { pii_patterns: { credit_card: 'off' } } }),
      { kind: 'allow', code: null },
    ],
    [
      'pattern set to redact',
      card,
      testPolicy({ settings: { pii_patterns: { credit_card: 'redact' } } }),
      { kind: 'redact', code: 'pii_detected' },
    ],
    [
      'pii_scan rule overrides settings',
      email,
      testPolicy({ rules: [rule('pii_scan', { patterns: { email: 'block' } })] }),
      { kind: 'block', code: 'pii_detected', status: 403 },
    ],
    [
      'exception for the agent',
      card,
      testPolicy({ exceptions: [exception('pii_pattern', 'credit_card', 'agent', AGENT)] }),
      { kind: 'allow', code: null },
    ],
    [
      'expired exception',
      card,
      testPolicy({
        exceptions: [
          exception('pii_pattern', 'credit_card', 'agent', AGENT, '2026-01-01T00:00:00.000Z'),
        ],
      }),
      { kind: 'block', code: 'pii_detected', status: 403 },
    ],
  ])('%s', (_n, text, policy, expected) => {
    expect(
      verdictOf(
        piiScanStep,
        prepared({ policy, request: chat(text), principal: { agent_id: AGENT } }),
      ),
    ).toEqual(expected);
  });

  it('redacts in place and keeps the message shape, multi-part content included', () => {
    const policy = testPolicy({
      settings: { pii_patterns: { credit_card: 'redact', email: 'redact' } },
    });
    const parts = [
      { type: 'text', text: card },
      { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
    ];
    const request = {
      model: 'mock/echo',
      messages: [
        { role: 'system', content: email },
        { role: 'user', content: parts },
      ],
      tools: [{ type: 'function' }],
    };
    const v = syncRun(piiScanStep, prepared({ policy, request }));
    expect(v.kind).toBe('redact');
    if (v.kind !== 'redact') return;
    expect(v.request.messages[0]).toEqual({ role: 'system', content: 'write to [REDACTED:email]' });
    expect(v.request.messages[1]!.content).toEqual([
      { type: 'text', text: 'pay with [REDACTED:credit_card] please' },
      parts[1],
    ]);
    expect(v.request.tools).toEqual([{ type: 'function' }]);
  });

  it('never puts the matched value in the refusal message', () => {
    const v = syncRun(piiScanStep, prepared({ request: chat(card) }));
    expect(JSON.stringify(v)).not.toContain('4111');
  });
});

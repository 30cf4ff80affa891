import { StreamRedactor } from './stream-redactor';

const OVERLAP_WINDOW = 256;

const all = new Set(['api_key', 'credit_card', 'email'] as const);
const secret = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';

function pipe(chunks: string[]): string {
  const r = new StreamRedactor(all);
  return chunks.map((c) => r.push(c)).join('') + r.flush();
}

describe('StreamRedactor', () => {
  it.each([
    ['a secret in one chunk', ['my key is ', secret, ' ok']],
    [
      'a secret split across two chunks',
      ['my key is sk-proj-abcdefghij', 'klmnopqrstuvwxyz0123456789 ok'],
    ],
    ['a secret split into single characters', [...`my key is ${secret} ok`]],
    [
      'a secret split after a long preamble',
      [
        'x'.repeat(OVERLAP_WINDOW * 3) + ' key sk-proj-abc',
        'defghijklmnopqrstuvwxyz0123456789 done',
      ],
    ],
  ])('redacts %s', (_n, chunks) => {
    const out = pipe(chunks);
    expect(out).not.toContain('abcdefghij');
    expect(out).toContain('[REDACTED:api_key]');
    expect(out.endsWith(' ok') || out.endsWith(' done')).toBe(true);
  });

  it('passes clean text through unchanged, in order', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(40);
    const chunks = text.match(/.{1,7}/gs)!;
    expect(pipe(chunks)).toBe(text);
  });

  it('streams plain prose at once, holding back only the last partial word', () => {
    const r = new StreamRedactor(all);
    expect(r.push('Hello there, how are')).toBe('Hello there, how ');
    expect(r.push(' you today?')).toBe('are you ');
    expect(r.flush()).toBe('today?');
  });

  it.each([
    [
      'a card split in its digit groups',
      ['pay 4111 1111 ', '1111 1111 now'],
      '[REDACTED:credit_card]',
    ],
    [
      'an IBAN split after its country code',
      ['to DE89 ', '3704 0044 0532 0130 00 ok'],
      '[REDACTED:iban]',
    ],
    ['a password split after the keyword', ['the password', '=hunter22 ok'], '[REDACTED:password]'],
    ['an email split at the at sign', ['mail jane.doe', '@example.com ok'], '[REDACTED:email]'],
    [
      'a PEM block split inside',
      ['-----BEGIN RSA PRIV', 'ATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY----- ok'],
      '[REDACTED:private_key]',
    ],
  ])('redacts %s', (_n, chunks, marker) => {
    const r = new StreamRedactor(
      new Set(['credit_card', 'iban', 'password', 'email', 'private_key'] as const),
    );
    const out = chunks.map((c) => r.push(c)).join('') + r.flush();
    expect(out).toContain(marker);
    expect(out).not.toMatch(/4111|3704|hunter|jane|MIIE/);
  });
});

import { StreamRedactor, OVERLAP_WINDOW } from './stream-redactor';

const all = new Set(['api_key', 'credit_card', 'email'] as const);
const secret = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';

function pipe(chunks: string[]): string {
  const r = new StreamRedactor(all);
  return chunks.map((c) => r.push(c)).join('') + r.flush();
}

describe('StreamRedactor', () => {
  it.each([
    ['a secret in one chunk', ['my key is ', secret, ' ok']],
    ['a secret split across two chunks', ['my key is sk-proj-abcdefghij', 'klmnopqrstuvwxyz0123456789 ok']],
    ['a secret split into single characters', [...`my key is ${secret} ok`]],
    ['a secret split after a long preamble', ['x'.repeat(OVERLAP_WINDOW * 3) + ' key sk-proj-abc', 'defghijklmnopqrstuvwxyz0123456789 done']],
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

  it('emits text before the end of the stream once it is past the window', () => {
    const r = new StreamRedactor(all);
    expect(r.push('a'.repeat(OVERLAP_WINDOW + 100))).toBe('a'.repeat(100));
  });
});

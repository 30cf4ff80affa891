import { governanceSettingsPatch } from './settings.schema';
import { remoteGuardrail } from './guardrails.schema';

describe('remote guardrail settings validation', () => {
  const issues = (g: Record<string, unknown>) => {
    const r = governanceSettingsPatch.safeParse({ remote_guardrails: [g] });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  const ok = {
    name: 'mod',
    kind: 'openai_moderation',
    url: 'https://api.openai.com/v1/moderations',
  };

  it('accepts a minimal guardrail and fills the defaults', () => {
    expect(issues(ok)).toEqual([]);
    expect(remoteGuardrail.parse(ok)).toMatchObject({
      applies_to: 'input',
      mode: 'block',
      timeout_ms: 1000,
      on_error: 'fail_open',
      cache_ttl_s: 60,
      threshold: 0.5,
    });
  });

  it.each([
    [{ ...ok, auth_secret: 'sk-live-0123456789abcdef' }, 'remote_guardrails.0.auth_secret'],
    [{ ...ok, kind: 'nope' }, 'remote_guardrails.0.kind'],
    [{ ...ok, url: 'ftp://x' }, 'remote_guardrails.0.url'],
    [{ ...ok, mode: 'redact' }, 'remote_guardrails.0.mode'],
    [{ ...ok, kind: 'llama_guard' }, 'remote_guardrails.0.model'],
    [
      { ...ok, categories: { harassment: 'nonsense' } },
      'remote_guardrails.0.categories.harassment',
    ],
    [{ ...ok, timeout_ms: 0 }, 'remote_guardrails.0.timeout_ms'],
    [{ ...ok, on_error: 'retry' }, 'remote_guardrails.0.on_error'],
    [{ ...ok, extra: 1 }, 'remote_guardrails.0'],
  ])('%j is refused naming %s', (g, path) => {
    expect(issues(g).join('\n')).toContain(path);
  });

  it('refuses two guardrails with the same name', () => {
    const r = governanceSettingsPatch.safeParse({ remote_guardrails: [ok, ok] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['remote_guardrails', 1, 'name']);
  });
});

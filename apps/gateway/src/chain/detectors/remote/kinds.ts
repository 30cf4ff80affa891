import {
  PII_PATTERNS,
  SECURITY_LABELS,
  type GuardrailCategory,
  type RemoteGuardrail,
  type RemoteGuardrailKind,
} from '@llmgov/policy-schema';

/**
 * The wire shapes of the remote guardrail kinds: what is sent and how an answer becomes
 * labelled scores and spans. Pure (no I/O); client.ts does the HTTP.
 */

/** Which step applies a category's findings: pii_scan, content_safety or security_scan. */
export type Family = 'pii' | 'content' | 'security';

const PII = new Set<string>(PII_PATTERNS);
const SECURITY = new Set<string>(SECURITY_LABELS);

export function familyOf(category: string): Family {
  if (PII.has(category)) return 'pii';
  if (SECURITY.has(category)) return 'security';
  return 'content';
}

/** Per-kind label mappings the org's `categories` extend or override. */
export const DEFAULT_CATEGORIES: Record<RemoteGuardrailKind, Record<string, GuardrailCategory>> = {
  openai_moderation: {
    harassment: 'harassment',
    'harassment/threatening': 'harassment',
    hate: 'hate',
    'hate/threatening': 'hate',
    'self-harm': 'self_harm',
    'self-harm/intent': 'self_harm',
    'self-harm/instructions': 'self_harm',
    sexual: 'sexual',
    'sexual/minors': 'sexual',
    violence: 'violence',
    'violence/graphic': 'violence',
    illicit: 'illegal',
    'illicit/violent': 'weapons',
  },
  // Llama Guard 3 hazard codes (S5 defamation, S6 specialised advice, S7 privacy, S8 IP,
  // S13 elections, S14 code interpreter abuse have no category of ours: map them to use them).
  llama_guard: {
    S1: 'violence',
    S2: 'illegal',
    S3: 'sexual',
    S4: 'sexual',
    S9: 'weapons',
    S10: 'hate',
    S11: 'self_harm',
    S12: 'sexual',
  },
  // Prompt Guard 1 (BENIGN / INJECTION / JAILBREAK) and 2 (LABEL_0 benign / LABEL_1 malicious).
  classify: {
    INJECTION: 'prompt_injection',
    JAILBREAK: 'prompt_injection',
    MALICIOUS: 'prompt_injection',
    LABEL_1: 'prompt_injection',
  },
  presidio: {
    EMAIL_ADDRESS: 'email',
    PHONE_NUMBER: 'phone',
    CREDIT_CARD: 'credit_card',
    US_SSN: 'ssn',
    IBAN_CODE: 'iban',
  },
  webhook: {},
};

export const categoriesOf = (g: RemoteGuardrail): Record<string, string> => ({
  ...DEFAULT_CATEGORIES[g.kind],
  ...g.categories,
});

/** The family whose step reports a guardrail's errors: that of its first mapped category. */
export function homeFamilyOf(g: RemoteGuardrail): Family {
  if (g.kind === 'presidio') return 'pii';
  if (g.kind === 'classify') return 'security';
  const first = Object.values(g.categories)[0];
  return first ? familyOf(first) : 'content';
}

/** A labelled score on one text: `start`/`end` where the service located it, else the whole text. */
export interface RemoteHit {
  index: number;
  /** The service's label (category, S-code, entity type, webhook reason). */
  label: string;
  /** Ours (mapped), or the service's label when unmapped (webhook reasons only). */
  category: string;
  score: number;
  fired: boolean;
  start: number;
  end: number;
}

export interface RemoteAnswer {
  hits: RemoteHit[];
  /** Webhook: the texts to forward instead (same order and count as sent). */
  texts: string[] | null;
}

/** One HTTP call: its body and how to read the answer for the texts it covers. */
export interface RemoteCall {
  body: unknown;
  /** Indexes (into the texts scanned) this call covers. */
  indexes: number[];
  read(json: unknown): RemoteAnswer;
}

export class BadResponse extends Error {}

const obj = (v: unknown): Record<string, unknown> => {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new BadResponse('not an object');
  return v as Record<string, unknown>;
};
const arr = (v: unknown): unknown[] => {
  if (!Array.isArray(v)) throw new BadResponse('not an array');
  return v;
};
const num = (v: unknown): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new BadResponse('not a number');
  return v;
};

/**
 * The calls a guardrail makes for `texts` (`direction` input or output; `prompt` is the
 * last user text, the context Llama Guard needs to judge an answer).
 */
export function callsFor(
  g: RemoteGuardrail,
  texts: readonly string[],
  direction: 'input' | 'output',
  prompt: string,
): RemoteCall[] {
  const map = categoriesOf(g);
  const all = texts.map((_, i) => i);
  const whole = (index: number, label: string, score: number, fired: boolean): RemoteHit[] => {
    const category = map[label];
    return category
      ? [{ index, label, category, score, fired, start: 0, end: texts[index]!.length }]
      : [];
  };
  switch (g.kind) {
    case 'openai_moderation':
      return [
        {
          body: { input: texts, ...(g.model ? { model: g.model } : {}) },
          indexes: all,
          read(json) {
            const results = arr(obj(json).results);
            if (results.length !== texts.length) throw new BadResponse('results count');
            return {
              texts: null,
              hits: results.flatMap((r, i) => {
                const o = obj(r);
                const scores = obj(o.category_scores);
                const flags = o.categories ? obj(o.categories) : {};
                return Object.entries(scores).flatMap(([label, s]) =>
                  whole(i, label, num(s), flags[label] === true || num(s) >= g.threshold),
                );
              }),
            };
          },
        },
      ];
    case 'llama_guard':
      return texts.map((text, i) => ({
        body: {
          model: g.model,
          messages:
            direction === 'input'
              ? [{ role: 'user', content: text }]
              : [
                  { role: 'user', content: prompt },
                  { role: 'assistant', content: text },
                ],
          temperature: 0,
          max_tokens: 32,
        },
        indexes: [i],
        read(json) {
          const choice = obj(arr(obj(json).choices)[0]);
          const content = obj(choice.message).content;
          if (typeof content !== 'string') throw new BadResponse('no content');
          const [verdict, codes = ''] = content.trim().split('\n');
          const v = verdict!.trim().toLowerCase();
          if (v === 'safe') return { texts: null, hits: [] };
          if (v !== 'unsafe') throw new BadResponse('neither safe nor unsafe');
          const labels = codes.split(/[\s,]+/).filter(Boolean);
          return { texts: null, hits: labels.flatMap((l) => whole(i, l.toUpperCase(), 1, true)) };
        },
      }));
    case 'classify':
      return [
        {
          body: { model: g.model, input: texts },
          indexes: all,
          read(json) {
            const data = arr(obj(json).data);
            if (data.length !== texts.length) throw new BadResponse('data count');
            return {
              texts: null,
              hits: data.flatMap((d, k) => {
                const o = obj(d);
                const i = typeof o.index === 'number' ? o.index : k;
                const probs = arr(o.probs).map(num);
                if (g.labels)
                  return g.labels.flatMap((label, j) =>
                    j < probs.length ? whole(i, label, probs[j]!, probs[j]! >= g.threshold) : [],
                  );
                if (typeof o.label !== 'string') throw new BadResponse('no label');
                const p = Math.max(...probs);
                return whole(i, o.label, p, p >= g.threshold);
              }),
            };
          },
        },
      ];
    case 'presidio':
      return texts.map((text, i) => ({
        body: { text, language: g.language },
        indexes: [i],
        read(json) {
          return {
            texts: null,
            hits: arr(json).flatMap((r) => {
              const o = obj(r);
              const label = String(o.entity_type);
              const category = map[label];
              const start = num(o.start);
              const end = num(o.end);
              const score = num(o.score);
              if (!category || start < 0 || end > text.length || start >= end) return [];
              return [
                { index: i, label, category, score, fired: score >= g.threshold, start, end },
              ];
            }),
          };
        },
      }));
    case 'webhook':
      return [
        {
          body: { texts, input_type: direction },
          indexes: all,
          read(json) {
            const o = obj(json);
            const action = o.action;
            if (typeof action !== 'string') throw new BadResponse('no action');
            const replaced = o.texts === undefined || o.texts === null ? null : arr(o.texts);
            if (
              replaced &&
              (replaced.length !== texts.length || replaced.some((t) => typeof t !== 'string'))
            )
              throw new BadResponse('texts');
            const label =
              typeof o.reason === 'string' && o.reason ? o.reason.slice(0, 100) : 'webhook';
            const fired = action !== 'allow';
            const hits = fired
              ? all
                  .filter((i) => !replaced || replaced[i] !== texts[i] || action === 'block')
                  .map((index) => ({
                    index,
                    label,
                    category: map[label] ?? label,
                    score: 1,
                    fired: true,
                    start: 0,
                    end: texts[index]!.length,
                  }))
              : [];
            return { texts: (replaced as string[] | null) ?? null, hits };
          },
        },
      ];
    default: {
      const never: never = g.kind;
      throw new Error(`unknown guardrail kind ${String(never)}`);
    }
  }
}

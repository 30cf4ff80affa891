import type { ContentCategory } from '@llmgov/policy-schema';
import {
  block,
  configOf,
  exceptionFor,
  rulesFor,
  type ChainContext,
  type ChainStep,
  type FindingSpan,
  type Verdict,
} from '@llmgov/chain';
import { classifier } from '../detectors/classifier/model';
import { assessContent } from '../detectors/content.detector';
import { fieldsOf } from '../detectors/fields';
import { remediationOf, withRemote } from '../detectors/remote/apply';

/**
 * Step 11: blocked content categories (settings `content_safety` and rules) in every field
 * that reaches the model, on the request as received; `content_review` categories go to
 * the HITL gate. The refusal names the category; findings carry score and spans.
 */
export const contentSafetyStep: ChainStep = {
  id: 'content_safety',
  run: (ctx) => withRemote(ctx, 'content', localContent(ctx)),
};

function localContent(ctx: ChainContext): Verdict {
  const doc = ctx.policy!.document;
  const p = ctx.principal!;
  const sensitivity = doc.settings.content_sensitivity ?? 'medium';
  const blocked = new Map<ContentCategory, string | null>();
  for (const c of doc.settings.content_safety) blocked.set(c, null);
  for (const r of rulesFor(doc, 'content_safety', p))
    for (const c of configOf(r).blocked_categories) blocked.set(c, r.id);
  const review = new Set<ContentCategory>(
    doc.settings.content_review.filter((c) => !blocked.has(c)),
  );
  const wanted = new Set<ContentCategory>();
  for (const c of [...blocked.keys(), ...review])
    if (!exceptionFor(doc, 'content_category', c, p, ctx.now)) wanted.add(c);
  if (wanted.size === 0) return { kind: 'allow' };
  const best = new Map<ContentCategory, number>();
  const hits = new Map<ContentCategory, { score: number; spans: FindingSpan[] }>();
  for (const f of fieldsOf(ctx.unredacted ?? ctx.request!)) {
    const r = assessContent(f.text, wanted, sensitivity);
    for (const [c, s] of r.scores) best.set(c, Math.max(best.get(c) ?? 0, s));
    for (const h of r.hits) {
      const cur = hits.get(h.category) ?? { score: 0, spans: [] };
      cur.score = Math.max(cur.score, h.score);
      cur.spans.push({ field: f.path, start: h.span[0], end: h.span[1] });
      hits.set(h.category, cur);
    }
  }
  const model = classifier();
  for (const c of wanted)
    ctx.detector_scores.push({
      detector: 'content',
      label: c,
      score: round(best.get(c) ?? 0),
      threshold: model.threshold(c, sensitivity),
    });
  let refusal: Verdict | null = null;
  for (const [c, h] of hits) {
    ctx.findings.push({
      detector: 'content',
      label: c,
      action: blocked.has(c) ? 'block' : 'review',
      score: round(h.score),
      spans: h.spans,
    });
    if (blocked.has(c)) {
      refusal ??= block('content_safety', 403, `content category '${c}' is blocked`, {
        policy_id: blocked.get(c) ?? null,
        policy_type: 'content_safety',
        remediation: remediationOf('content', c),
      });
    } else ctx.review_categories.push(c);
  }
  return refusal ?? { kind: 'allow' };
}

const round = (n: number): number => Math.round(n * 1e4) / 1e4;

import type { ContentCategory } from '@llmgov/policy-schema';
import { block, configOf, exceptionFor, rulesFor, textsOf, type ChainStep, type Verdict } from '@llmgov/chain';
import { scanContent } from '../detectors/content.detector';

/** Step 11: blocked content categories (settings `content_safety` and rules); `content_review` categories go to the HITL gate. */
export const contentSafetyStep: ChainStep = {
  id: 'content_safety',
  run(ctx): Verdict {
    const doc = ctx.policy!.document;
    const p = ctx.principal!;
    const blocked = new Map<ContentCategory, string | null>();
    for (const c of doc.settings.content_safety) blocked.set(c, null);
    for (const r of rulesFor(doc, 'content_safety', p)) for (const c of configOf(r).blocked_categories) blocked.set(c, r.id);
    const review = new Set<ContentCategory>(doc.settings.content_review.filter((c) => !blocked.has(c)));
    const wanted = new Set<ContentCategory>();
    for (const c of [...blocked.keys(), ...review]) if (!exceptionFor(doc, 'content_category', c, p, ctx.now)) wanted.add(c);
    if (wanted.size === 0) return { kind: 'allow' };
    const found = scanContent(textsOf(ctx.request!), wanted);
    for (const c of found) {
      ctx.findings.push({ detector: 'content', label: c, action: blocked.has(c) ? 'block' : 'review' });
      if (blocked.has(c)) {
        return block('content_safety', 403, `content category '${c}' is blocked`, { policy_id: blocked.get(c) ?? null, policy_type: 'content_safety', remediation: 'Rephrase the request without the blocked content.' });
      }
      ctx.review_categories.push(c);
    }
    return { kind: 'allow' };
  },
};

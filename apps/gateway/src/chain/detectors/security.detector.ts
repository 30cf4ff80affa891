import { analyse, spanOf, type DecodedAnalysis } from './analysis';
import { classifier } from './classifier/model';
import { LABELS, type ClassifierLabel } from './classifier/features';

export type Sensitivity = 'low' | 'medium' | 'high';
export type SecurityFinding = { kind: 'prompt_injection' | 'data_exfiltration'; label: string };

const rx = (body: string): RegExp => new RegExp(body, 'i');
const F = String.raw`(?:\w{1,20}\s{1,3}){0,3}`; // up to three filler words

/** Injection phrases by strength: `low` sensitivity uses strong ones only; `high` adds weak ones. */
const INJECTION_STRONG = rx(
  String.raw`\b(?:ignore|disregard|forget|override|bypass)\s{1,3}${F}(?:previous|prior|above|earlier|preceding|all|your|the\s{1,3}system)\s{1,3}${F}(?:instructions?|prompts?|rules|directives|guidelines|messages?|context)\b|\b(?:reveal|print|show|repeat|output|leak|dump)\s{1,3}${F}(?:system\s{1,3}prompt|hidden\s{1,3}(?:prompt|instructions)|initial\s{1,3}instructions|developer\s{1,3}message)\b|\byou\s{1,3}are\s{1,3}now\s{1,3}(?:dan|in\s{1,3}developer\s{1,3}mode|jailbroken|unfiltered|an?\s{1,3}unrestricted)\b|\b(?:enable|activate|enter)\s{1,3}(?:developer|god|jailbreak|dan)\s{1,3}mode\b|\bdo\s{1,3}anything\s{1,3}now\b`,
);
const INJECTION_MEDIUM = rx(
  String.raw`\bnew\s{1,3}(?:system\s{1,3})?instructions?\s{0,3}:|\b(?:from\s{1,3}now\s{1,3}on|henceforth)\s{1,3}${F}(?:you\s{1,3}(?:will|must|are)|ignore|respond\s{1,3}without)\b|\bpretend\s{1,3}(?:that\s{1,3})?(?:you\s{1,3}(?:have|are)\s{1,3}no|there\s{1,3}are\s{1,3}no)\s{1,3}(?:rules|restrictions|filters|guidelines)\b|\bwithout\s{1,3}(?:any\s{1,3})?(?:restrictions|filters|safety\s{1,3}guidelines|content\s{1,3}policy)\b.{0,40}\b(?:answer|respond|reply)\b|<\/?(?:system|sys)>|\[\/?(?:system|INST)\]|###\s{0,3}(?:system|instruction)s?\s{0,3}:`,
);
const INJECTION_WEAK = rx(
  String.raw`\b(?:act\s{1,3}as|roleplay\s{1,3}as)\s{1,3}(?:an?\s{1,3})?(?:unfiltered|uncensored|evil|unrestricted)\b|\bstay\s{1,3}in\s{1,3}character\s{1,3}no\s{1,3}matter\s{1,3}what\b|\byour\s{1,3}(?:real|true)\s{1,3}instructions\b`,
);
const EXFILTRATION = rx(
  String.raw`\b(?:send|post|upload|forward|transmit|exfiltrate|email|leak|copy)\s{1,3}${F}(?:conversation|chat\s{1,3}history|chat\s{1,3}log|transcript|messages|context|system\s{1,3}prompt|previous\s{1,3}messages|all\s{1,3}(?:the\s{1,3})?data|credentials|api\s{1,3}keys?|secrets|user\s{1,3}data)\s{1,3}${F}(?:to|at|into)\s{1,3}(?:https?:\/\/|this\s{1,3}(?:url|webhook|endpoint|address|server)|my\s{1,3}(?:server|webhook|endpoint)|[\w.+-]{1,64}@[\w-]{1,63}\.)|!\[[^\]]{0,100}\]\(https?:\/\/[^)\s]{1,300}\?[^)\s]{0,300}(?:\{|%7B|data=|q=|conversation|secret|history)|\b(?:append|include|encode)\s{1,3}${F}(?:conversation|chat\s{1,3}history|secrets?|api\s{1,3}keys?|system\s{1,3}prompt)\s{1,3}${F}(?:in|into|as)\s{1,3}(?:the\s{1,3})?(?:url|query\s{1,3}(?:string|parameter)|image\s{1,3}link|link)\b`,
);

export type SecurityKind = SecurityFinding['kind'];

export interface SecurityAssessment {
  finding: (SecurityFinding & { score: number; span: [number, number] }) | null;
  /** Classifier probability per kind (the maximum over the text and what it decodes to). */
  scores: Record<SecurityKind, number>;
}

function injection(text: string, s: Sensitivity): RegExpExecArray | null {
  return (
    INJECTION_STRONG.exec(text) ??
    (s !== 'low' ? INJECTION_MEDIUM.exec(text) : null) ??
    (s === 'high' ? INJECTION_WEAK.exec(text) : null)
  );
}
function injectionLabel(text: string, s: Sensitivity): string | null {
  if (INJECTION_STRONG.test(text)) return 'instruction_override';
  if (s !== 'low' && INJECTION_MEDIUM.test(text)) return 'role_injection';
  if (s === 'high' && INJECTION_WEAK.test(text)) return 'persona_jailbreak';
  return null;
}

const idx = (label: ClassifierLabel): number => LABELS.indexOf(label);

/** Does a decoded payload trip any detector: injection or exfiltration rules or heads, or a content head? */
function decodedTrips(d: DecodedAnalysis, s: Sensitivity): number {
  const model = classifier();
  if (injection(d.n.folded, 'medium') || EXFILTRATION.test(d.n.folded)) return 1;
  let best = 0;
  model.labels.forEach((label, l) => {
    if (d.scores[l]! >= model.threshold(label, s)) best = Math.max(best, d.scores[l]!);
  });
  return best;
}

/**
 * Prompt injection, exfiltration instructions, and payloads hidden in base64, hex, URL
 * encoding or rot13, on the normalised text: the phrase rules (a fast, precise first
 * pass) or the trained heads above their threshold for the sensitivity.
 */
export function assessSecurity(text: string, sensitivity: Sensitivity): SecurityAssessment {
  const a = analyse(text);
  const model = classifier();
  const f = a.n.folded;
  const pi = a.scores[idx('prompt_injection')]!;
  const ex = a.scores[idx('data_exfiltration')]!;
  const scores = { prompt_injection: pi, data_exfiltration: ex };
  for (const d of a.decoded) {
    scores.prompt_injection = Math.max(scores.prompt_injection, d.scores[idx('prompt_injection')]!);
    scores.data_exfiltration = Math.max(
      scores.data_exfiltration,
      d.scores[idx('data_exfiltration')]!,
    );
  }
  const whole: [number, number] = [0, text.length];
  const inj = injection(f, sensitivity);
  if (inj)
    return {
      finding: {
        kind: 'prompt_injection',
        label: injectionLabel(f, sensitivity)!,
        score: 1,
        span: spanOf(a, inj.index, inj.index + inj[0].length),
      },
      scores,
    };
  const exm = EXFILTRATION.exec(f);
  if (exm)
    return {
      finding: {
        kind: 'data_exfiltration',
        label: 'exfiltration_instruction',
        score: 1,
        span: spanOf(a, exm.index, exm.index + exm[0].length),
      },
      scores,
    };
  if (pi >= model.threshold('prompt_injection', sensitivity))
    return {
      finding: { kind: 'prompt_injection', label: 'injection_classifier', score: pi, span: whole },
      scores,
    };
  if (ex >= model.threshold('data_exfiltration', sensitivity))
    return {
      finding: {
        kind: 'data_exfiltration',
        label: 'exfiltration_classifier',
        score: ex,
        span: whole,
      },
      scores,
    };
  for (const d of a.decoded) {
    const hit = decodedTrips(d, sensitivity);
    if (hit > 0) {
      const span = d.decoded.kind === 'rot13' ? whole : spanOf(a, d.decoded.start, d.decoded.end);
      return {
        finding: { kind: 'prompt_injection', label: 'encoded_payload', score: hit, span },
        scores,
      };
    }
  }
  return { finding: null, scores };
}

/** The first finding over `texts` (kept for the corpora and bounded-time tests). */
export function scanSecurity(
  texts: readonly string[],
  sensitivity: Sensitivity,
): SecurityFinding | null {
  for (const text of texts) {
    const r = assessSecurity(text, sensitivity).finding;
    if (r) return { kind: r.kind, label: r.label };
  }
  return null;
}

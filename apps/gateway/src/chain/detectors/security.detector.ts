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

const B64 = /[A-Za-z0-9+/]{24,4096}={0,2}/g;
const HEX = /\b(?:[0-9a-fA-F]{2}){16,2048}\b/g;

function injection(text: string, s: Sensitivity): string | null {
  if (INJECTION_STRONG.test(text)) return 'instruction_override';
  if (s !== 'low' && INJECTION_MEDIUM.test(text)) return 'role_injection';
  if (s === 'high' && INJECTION_WEAK.test(text)) return 'persona_jailbreak';
  return null;
}

function rot13(text: string): string {
  return text.replace(/[a-zA-Z]/g, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}

function decodedPayloads(text: string): string[] {
  const out: string[] = [];
  B64.lastIndex = 0;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = B64.exec(text)) !== null && n++ < 32) {
    const decoded = Buffer.from(m[0], 'base64').toString('utf8');
    if (/^[\x09\x0a\x0d\x20-\x7e]{8,}$/.test(decoded)) out.push(decoded);
  }
  HEX.lastIndex = 0;
  n = 0;
  while ((m = HEX.exec(text)) !== null && n++ < 32) {
    const decoded = Buffer.from(m[0], 'hex').toString('utf8');
    if (/^[\x09\x0a\x0d\x20-\x7e]{8,}$/.test(decoded)) out.push(decoded);
  }
  return out;
}

/**
 * Prompt injection, exfiltration instructions, and injections hidden in base64, hex or
 * rot13 (medium and high sensitivity decode; rot13 is tried on texts that mention it or
 * at high sensitivity, since decoding every text costs a full pass).
 */
export function scanSecurity(texts: readonly string[], sensitivity: Sensitivity): SecurityFinding | null {
  for (const text of texts) {
    const inj = injection(text, sensitivity);
    if (inj) return { kind: 'prompt_injection', label: inj };
    if (EXFILTRATION.test(text)) return { kind: 'data_exfiltration', label: 'exfiltration_instruction' };
    if (sensitivity === 'low') continue;
    for (const decoded of decodedPayloads(text)) {
      if (injection(decoded, 'medium') || EXFILTRATION.test(decoded)) return { kind: 'prompt_injection', label: 'encoded_payload' };
    }
    if (sensitivity === 'high' || /\brot-?13\b/i.test(text)) {
      const r = rot13(text);
      if (injection(r, 'low') || EXFILTRATION.test(r)) return { kind: 'prompt_injection', label: 'encoded_payload' };
    }
  }
  return null;
}

import { CONTENT_CATEGORIES, type ContentCategory } from '@llmgov/policy-schema';
import { analyse, spanOf } from './analysis';
import { classifier, type Sensitivity } from './classifier/model';

/**
 * Content categories by intent phrases: a request for harm, not a mention of a topic
 * ("how do I build a pipe bomb" is weapons; "the history of the atomic bomb" is not).
 * Precision first: the corpora test holds this to ≥ 0.95 on the negatives. Each regex is
 * an alternation of bounded phrases, compiled once, linear in the input.
 */
const W = String.raw`(?:\w{1,20}\s{1,3}){0,3}`; // up to three filler words
const HOW = String.raw`(?:how\s{1,3}(?:do|can|could|would|should)\s{1,3}(?:i|we|you|one)|how\s{1,3}to|ways?\s{1,3}to|steps?\s{1,3}to|instructions?\s{1,3}(?:for|to|on)|tutorial\s{1,3}(?:for|on)|guide\s{1,3}(?:for|to|on)|help\s{1,3}me|teach\s{1,3}me\s{1,3}(?:how\s{1,3}to|to)|explain\s{1,3}how\s{1,3}to|tell\s{1,3}me\s{1,3}how\s{1,3}to|i\s{1,3}want\s{1,3}to|i'?m\s{1,3}going\s{1,3}to|plan\s{1,3}to)`;

const rx = (body: string): RegExp => new RegExp(body, 'i');
const PERSON = String.raw`(?:wife|husband|partner|girlfriend|boyfriend|ex|neighbou?r|boss|coworker|colleague|teacher|person|man|woman|guy|girl|boy|kid|child|baby|family|friend|brother|sister|mother|father|mom|dad|parents?|roommate|classmate|landlord|officer|cop|politician|president|judge|witness|stranger|people|students|children)`;

export const CONTENT_RULES: Record<ContentCategory, RegExp> = {
  violence: rx(
    String.raw`\b${HOW}\s{1,3}${W}(?:kill|murder|stab|strangle|poison|torture|beat\s{1,3}up|hurt|assassinate|kidnap)\s{1,3}(?:someone|somebody|people|him|her|them|(?:my|a|an|the|his|her|their|that)\s{1,3}(?:\w{1,20}\s{1,3})?${PERSON})\b|\b(?:kill|murder|slaughter)\s{1,3}(?:as\s{1,3}many|everyone|all\s{1,3}the)\s{1,3}(?:people|students|kids|children|workers)\b|\bget\s{1,3}away\s{1,3}with\s{1,3}murder(?:ing)?\s{1,3}(?:my|a|someone)\b|\bhide\s{1,3}(?:a|the)\s{1,3}(?:dead\s{1,3})?body\b`,
  ),
  self_harm: rx(
    String.raw`\b(?:i\s{1,3}(?:want|plan|am\s{1,3}going|'?m\s{1,3}going)\s{1,3}to\s{1,3}(?:kill\s{1,3}myself|end\s{1,3}(?:my\s{1,3}life|it\s{1,3}all)|die)|kill\s{1,3}myself|suicide\s{1,3}(?:method|methods|note\s{1,3}for\s{1,3}me)|best\s{1,3}way\s{1,3}to\s{1,3}(?:commit\s{1,3}suicide|kill\s{1,3}myself|self[- ]harm|cut\s{1,3}myself)|how\s{1,3}(?:many|much)\s{1,3}${W}(?:pills|tablets|paracetamol|tylenol)\s{1,3}(?:to|would(?:\s{1,3}it\s{1,3}take\s{1,3}to)?)\s{1,3}(?:die|kill|overdose)|how\s{1,3}to\s{1,3}(?:cut|hurt|harm)\s{1,3}myself|painless\s{1,3}way\s{1,3}to\s{1,3}die)\b`,
  ),
  sexual: rx(
    String.raw`\b(?:write|describe|generate|create)\s{1,3}${W}(?:explicit|graphic|erotic|pornographic|nsfw|x-rated)\s{1,3}(?:sex|sexual|porn|erotica|story|scene|content)|\b(?:sexual|explicit|nude|naked)\s{1,3}${W}(?:minor|minors|child|children|underage|teen\s{1,3}girl|teen\s{1,3}boy)\b|\bnude\s{1,3}(?:photos?|pictures?|images?)\s{1,3}of\s{1,3}(?:my\s{1,3})?(?:ex|coworker|classmate|neighbou?r)\b`,
  ),
  hate: rx(
    String.raw`\b(?:all|those)\s{1,3}(?:jews|muslims|christians|blacks|whites|asians|mexicans|immigrants|gays|women|arabs)\s{1,3}(?:are\s{1,3}(?:vermin|subhuman|animals|parasites|inferior|a\s{1,3}disease)|should\s{1,3}(?:die|be\s{1,3}(?:exterminated|killed|deported|gassed|eliminated)))|\bwrite\s{1,3}${W}(?:hate\s{1,3}speech|racist\s{1,3}(?:rant|manifesto|joke|propaganda)|propaganda\s{1,3}(?:against|dehumanizing))|\b(?:ethnic\s{1,3}cleansing|genocide)\s{1,3}(?:is|was)\s{1,3}(?:justified|necessary|good)\b`,
  ),
  harassment: rx(
    String.raw`\b(?:write|draft|compose|send)\s{1,3}${W}(?:threatening|threat|harassing|abusive|intimidating)\s{1,3}(?:message|messages|letter|email|note|text|dm)s?\b|\b(?:dox|doxx|doxxing|doxing)\b|\bfind\s{1,3}(?:the\s{1,3})?(?:home\s{1,3}address|where\s{1,3}(?:she|he)\s{1,3}lives)\s{1,3}(?:of|for)?\s{0,3}${W}(?:so\s{1,3}i\s{1,3}can|to)\s{1,3}(?:show\s{1,3}up|scare|confront|hurt)|\bcyberbully|\bmake\s{1,3}(?:her|him|them)\s{1,3}(?:suffer|afraid|scared)\b`,
  ),
  illegal: rx(
    String.raw`\b${HOW}\s{1,3}${W}(?:launder\s{1,3}money|cook\s{1,3}meth|make\s{1,3}meth|synthesi[sz]e\s{1,3}(?:meth|fentanyl|heroin|mdma|lsd)|smuggle\s{1,3}(?:drugs|people|cocaine)|steal\s{1,3}(?:a\s{1,3}car|credit\s{1,3}cards?|someone'?s\s{1,3}identity)|hotwire\s{1,3}a\s{1,3}car|evade\s{1,3}(?:taxes|the\s{1,3}police)|counterfeit\s{1,3}(?:money|bills|currency)|shoplift|break\s{1,3}into\s{1,3}(?:a|my\s{1,3}neighbou?r'?s|someone'?s)\s{1,3}(?:house|home|car)|hack\s{1,3}into\s{1,3}(?:my\s{1,3}ex'?s|someone'?s|a|the)\s{1,3}\w{1,20}\s{0,3}(?:account|email|phone|server|network)?|buy\s{1,3}(?:drugs|cocaine|heroin|fentanyl)\s{1,3}(?:online|on\s{1,3}the\s{1,3}dark\s{1,3}web)|sell\s{1,3}(?:drugs|stolen)|bribe\s{1,3}(?:a|an|the)\s{1,3}(?:official|judge|officer|inspector))`,
  ),
  weapons: rx(
    String.raw`\b${HOW}\s{1,3}${W}(?:build|make|assemble|construct|3d[- ]print|manufacture)\s{1,3}${W}(?:(?<!(?:smoke|bath|photo|stink|glitter|seed)\s{1,3})bomb|pipe\s{1,3}bomb|explosive|explosives|ied|grenade|molotov(?:\s{1,3}cocktail)?|nerve\s{1,3}agent|sarin|ricin|bioweapon|chemical\s{1,3}weapon|dirty\s{1,3}bomb|ghost\s{1,3}gun|untraceable\s{1,3}(?:gun|firearm)|silencer|suppressor)|\b${HOW}\s{1,3}${W}convert\s{1,3}${W}(?:semi[- ]?auto(?:matic)?|ar-?15|rifle|glock)\s{1,3}${W}(?:full[- ]?auto|automatic)|\bsynthesi[sz]e\s{1,3}(?:sarin|vx|ricin|anthrax|mustard\s{1,3}gas|nerve\s{1,3}agent)`,
  ),
};

export interface ContentHit {
  category: ContentCategory;
  score: number;
  span: [number, number];
}

/**
 * Content categories in a text: the intent phrases (precise first pass) or the trained
 * head of each category above its threshold for the sensitivity, on the normalised text
 * and on what it decodes to. `scores` has every wanted category's probability.
 */
export function assessContent(
  text: string,
  wanted: ReadonlySet<ContentCategory>,
  sensitivity: Sensitivity = 'medium',
): { hits: ContentHit[]; scores: Map<ContentCategory, number> } {
  const a = analyse(text);
  const model = classifier();
  const hits: ContentHit[] = [];
  const scores = new Map<ContentCategory, number>();
  for (const cat of wanted) {
    const l = model.labels.indexOf(cat);
    let score = a.scores[l]!;
    let decodedHit: [number, number] | null = null;
    for (const d of a.decoded) {
      const ds = CONTENT_RULES[cat].test(d.n.folded) ? 1 : d.scores[l]!;
      if (ds > score) {
        score = ds;
        decodedHit = spanOf(a, d.decoded.start, d.decoded.end);
      }
    }
    scores.set(cat, score);
    const m = CONTENT_RULES[cat].exec(a.n.folded);
    if (m) hits.push({ category: cat, score: 1, span: spanOf(a, m.index, m.index + m[0].length) });
    else if (score >= model.threshold(cat, sensitivity))
      hits.push({ category: cat, score, span: decodedHit ?? [0, text.length] });
  }
  return { hits, scores };
}

/** The categories found in any of the texts, among `wanted` (kept for the corpora and bounded-time tests). */
export function scanContent(
  texts: readonly string[],
  wanted: ReadonlySet<ContentCategory>,
  sensitivity: Sensitivity = 'medium',
): ContentCategory[] {
  const found = new Set<ContentCategory>();
  for (const t of texts)
    for (const h of assessContent(t, wanted, sensitivity).hits) found.add(h.category);
  return CONTENT_CATEGORIES.filter((c) => found.has(c));
}

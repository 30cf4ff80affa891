import { ART50_TRANSPARENCY_PURPOSES } from '@llmgov/policy-schema';
import type { ComplianceCheck, ComplianceInput } from '../model';
import { fact, field } from '../policy-facts';

/** The Art. 50 purposes the org declares (allowed purposes or an agent's purposes). */
const declared = ({ document: { deployer } }: ComplianceInput) => {
  const all = [
    ...(deployer.allowed_purposes ?? []),
    ...Object.values(deployer.agent_purposes ?? {}).flat(),
  ];
  return ART50_TRANSPARENCY_PURPOSES.filter((p) => all.includes(p));
};
const unclassified = (input: ComplianceInput) =>
  declared(input).filter((p) => input.document.deployer.risk_tier_defaults[p] !== 'limited');

/** Art. 50: transparency for people meeting a chatbot or generated content, where the org declares such a use. */
export const art50GeneratedContent: ComplianceCheck = {
  id: 'art50_generated_content',
  article: 'Art. 50',
  title: 'Chatbots and generated content classified for transparency',
  why:
    'Art. 50 obliges telling people they deal with an AI system and marking generated content; it applies ' +
    'when the org declares a chatbot or content-generation purpose.',
  weight: 1,
  applies: (input) => declared(input).length > 0,
  evidence(input) {
    const missing = unclassified(input);
    return [
      field(
        'deployer.risk_tier_defaults',
        'declared chatbot / content-generation purposes are classified limited risk',
        { declared: declared(input), not_limited: missing },
        missing.length === 0,
      ),
      fact(
        'deployer application',
        'people are told they interact with AI and generated content is marked (not visible to the gateway)',
        'unknown',
        null,
      ),
    ];
  },
  remedy(input) {
    const missing = unclassified(input);
    const tiers = input.document.deployer.risk_tier_defaults;
    return missing.length > 0
      ? {
          deployer: {
            risk_tier_defaults: {
              ...tiers,
              ...Object.fromEntries(missing.map((p) => [p, 'limited' as const])),
            },
          },
        }
      : {};
  },
};

import type { RiskTier } from './deployer.schema';

/**
 * Article 5(1) of Regulation (EU) 2024/1689 (the AI Act): the prohibited practices, as the
 * `x-purpose` values an agent declares, each with the point of the article that forbids it
 * (https://artificialintelligenceact.eu/article/5/). Every new org refuses them by default.
 */
export const ART5_PROHIBITED_PURPOSES: Readonly<Record<string, string>> = {
  subliminal_manipulation: 'Art. 5(1)(a)',
  exploitation_of_vulnerabilities: 'Art. 5(1)(b)',
  social_scoring: 'Art. 5(1)(c)',
  predictive_policing_profiling: 'Art. 5(1)(d)',
  untargeted_facial_scraping: 'Art. 5(1)(e)',
  emotion_recognition_workplace: 'Art. 5(1)(f)',
  biometric_categorisation_sensitive: 'Art. 5(1)(g)',
  realtime_remote_biometric_identification: 'Art. 5(1)(h)',
};

/** The Annex III areas as purposes: high risk (https://artificialintelligenceact.eu/annex/3/). */
export const ANNEX_III_HIGH_RISK_PURPOSES: readonly string[] = [
  'credit_scoring',
  'employment_screening',
  'education_admission',
  'essential_services_eligibility',
  'biometric_identification',
  'critical_infrastructure',
  'migration_asylum',
  'administration_of_justice',
];

/** Art. 50 purposes: people interact with, or receive content from, an AI system (limited risk). */
export const ART50_TRANSPARENCY_PURPOSES: readonly string[] = ['chatbot', 'content_generation'];

/** Where the Act cites a prohibited purpose: `Regulation (EU) 2024/1689, Art. 5(1)(c)`. */
export const articleOfProhibited = (purpose: string): string =>
  `Regulation (EU) 2024/1689, ${ART5_PROHIBITED_PURPOSES[purpose] ?? 'Art. 5'}`;

const tiers = (purposes: readonly string[], tier: RiskTier) =>
  Object.fromEntries(purposes.map((p) => [p, tier])) as Record<string, RiskTier>;

/** Art. 5 purposes as `risk_tier_defaults` entries: what a new org starts with. */
export const PROHIBITED_TIERS: Readonly<Record<string, RiskTier>> = tiers(
  Object.keys(ART5_PROHIBITED_PURPOSES),
  'prohibited',
);

/** The tiers every template starts from: Art. 5 prohibited, Annex III high, Art. 50 limited, a few minimal. */
export const EU_AI_ACT_TIERS: Readonly<Record<string, RiskTier>> = {
  ...PROHIBITED_TIERS,
  ...tiers(ANNEX_III_HIGH_RISK_PURPOSES, 'high'),
  ...tiers(ART50_TRANSPARENCY_PURPOSES, 'limited'),
  ...tiers(['summarisation', 'code_assistance', 'translation'], 'minimal'),
};

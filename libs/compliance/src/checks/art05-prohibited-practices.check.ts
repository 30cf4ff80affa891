import { ART5_PROHIBITED_PURPOSES } from '@llmgov/policy-schema';
import type { ComplianceCheck, PolicyPatch } from '../model';
import { noneListed } from '../policy-facts';

const PROHIBITED = Object.keys(ART5_PROHIBITED_PURPOSES);

/** Art. 5: the prohibited practices are refused — classified `prohibited` and allowed nowhere. */
export const art5ProhibitedPractices: ComplianceCheck = {
  id: 'art5_prohibited_practices',
  article: 'Art. 5',
  title: 'Prohibited AI practices are refused',
  why: 'Art. 5 forbids these practices outright; the gateway refuses a request whose purpose is classified prohibited.',
  weight: 3,
  evidence({ document: { deployer } }) {
    const unclassified = PROHIBITED.filter((p) => deployer.risk_tier_defaults[p] !== 'prohibited');
    const allowed = PROHIBITED.filter((p) => deployer.allowed_purposes?.includes(p));
    const declared = Object.entries(deployer.agent_purposes ?? {})
      .filter(([, ps]) => ps.some((p) => PROHIBITED.includes(p)))
      .map(([agent]) => agent);
    return [
      noneListed('deployer.risk_tier_defaults', 'every Art. 5 purpose is classified prohibited', {
        not_prohibited: unclassified,
      }),
      noneListed('deployer.allowed_purposes', 'no Art. 5 purpose is an allowed purpose', {
        allowed_prohibited: allowed,
      }),
      noneListed('deployer.agent_purposes', 'no agent is declared for an Art. 5 purpose', {
        agents: declared,
      }),
    ];
  },
  remedy({ document: { deployer } }) {
    const patch: PolicyPatch = {};
    if (PROHIBITED.some((p) => deployer.risk_tier_defaults[p] !== 'prohibited')) {
      patch.deployer = {
        risk_tier_defaults: {
          ...deployer.risk_tier_defaults,
          ...Object.fromEntries(PROHIBITED.map((p) => [p, 'prohibited' as const])),
        },
      };
    }
    if (deployer.allowed_purposes?.some((p) => PROHIBITED.includes(p))) {
      patch.deployer = {
        ...patch.deployer,
        allowed_purposes: deployer.allowed_purposes.filter((p) => !PROHIBITED.includes(p)),
      };
    }
    const agents = Object.entries(deployer.agent_purposes ?? {});
    if (agents.some(([, ps]) => ps.some((p) => PROHIBITED.includes(p)))) {
      const kept = agents
        .map(([agent, ps]) => [agent, ps.filter((p) => !PROHIBITED.includes(p))] as const)
        .filter(([, ps]) => ps.length > 0);
      patch.deployer = { ...patch.deployer, agent_purposes: Object.fromEntries(kept) };
    }
    return patch;
  },
};

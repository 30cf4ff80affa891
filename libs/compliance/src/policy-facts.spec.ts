import { noneListed } from './policy-facts';

describe('noneListed', () => {
  it('is met when every list is empty, and shows the lists as its value', () => {
    expect(noneListed('deployer.agent_purposes', 'no agent listed', { agents: [] })).toEqual({
      source: 'deployer.agent_purposes',
      requirement: 'no agent listed',
      value: { agents: [] },
      met: true,
      fixable: true,
    });
  });

  it('is not met when a list names something, and can be unfixable', () => {
    const evidence = noneListed('facts.agent_reviews', 'none overdue', { overdue: ['a1'] }, false);
    expect(evidence.met).toBe(false);
    expect(evidence.fixable).toBe(false);
  });
});

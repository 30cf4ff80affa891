import { costMicroUsd, formatUsd, maxCostMicroUsd, microToUsd, usdToMicro } from './money';

describe('money', () => {
  it.each([
    [1, 1_000_000],
    [0.1, 100_000],
    [0.000001, 1],
    [10.2, 10_200_000],
    [0, 0],
  ])('usdToMicro(%p) = %p integer micro-dollars', (usd, micro) => {
    expect(usdToMicro(usd)).toBe(micro);
    expect(Number.isInteger(usdToMicro(usd))).toBe(true);
    expect(microToUsd(micro)).toBeCloseTo(usd, 9);
  });

  it.each([
    [0, '0.000000'],
    [1, '0.000001'],
    [1_500_000, '1.500000'],
    [-250, '-0.000250'],
  ])('formatUsd(%p) = %p', (micro, text) => expect(formatUsd(micro)).toBe(text));

  it.each([
    ['gpt-4o', 1000, 500, 7_500], // 1000 × 2.5 + 500 × 10
    ['openai/gpt-4o', 1000, 500, 7_500],
    ['mock/echo', 10, 10, 8], // 1.5 + 6 = 7.5 → rounded up
    ['claude-sonnet-4-5', 0, 1_000_000, 15_000_000],
  ])(
    'costMicroUsd(%p, %p in, %p out) = %p micro-dollars (list price, rounded up)',
    (model, prompt, completion, micro) => {
      expect(costMicroUsd(model, { prompt_tokens: prompt, completion_tokens: completion })).toBe(
        micro,
      );
    },
  );

  it('answers null for a model outside the catalogue (the caller fails closed)', () => {
    expect(
      costMicroUsd('groq/llama-3.1-8b-instant', { prompt_tokens: 1, completion_tokens: 1 }),
    ).toBeNull();
  });

  it('the maximum cost is the prompt estimate plus max_tokens of output', () => {
    expect(maxCostMicroUsd('gpt-4o-mini', 2000, 1000)).toBe(Math.ceil(2000 * 0.15 + 1000 * 0.6));
  });
});

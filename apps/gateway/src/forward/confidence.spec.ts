import { randomBytes } from 'node:crypto';
import type { ChatCompletion } from '../providers/provider';
import { mockLogprobs } from '../providers/mock.provider';
import {
  completionAsEvents,
  heldAnswerKey,
  judgeConfidence,
  meanTokenProbability,
  openAnswer,
  sealAnswer,
  stripLogprobs,
} from './confidence';

const answer = (logprobs: unknown, content = 'an answer'): ChatCompletion => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
});
const tokens = (...ps: number[]) => ({
  content: ps.map((p, i) => ({ token: `t${i}`, logprob: Math.log(p) })),
  refusal: null,
});

describe('meanTokenProbability', () => {
  it.each([
    ['one token', tokens(0.5), 0.5],
    ['the mean of probabilities, not of logprobs', tokens(0.9, 0.1), 0.5],
    ['no logprobs', null, null],
    ['empty content', { content: [] }, null],
    [
      'refusal tokens count',
      { content: null, refusal: [{ token: 'no', logprob: Math.log(0.2) }] },
      0.2,
    ],
    ['non-numbers skipped', { content: [{ logprob: 'x' }, { logprob: Math.log(0.4) }] }, 0.4],
  ])('%s', (_n, logprobs, expected) => {
    const mean = meanTokenProbability(answer(logprobs));
    if (expected === null) expect(mean).toBeNull();
    else expect(mean).toBeCloseTo(expected, 6);
  });

  it('averages over every choice', () => {
    const body = answer(tokens(1));
    body.choices.push({ ...body.choices[0]!, index: 1, logprobs: tokens(0.2, 0.2, 0.2) });
    expect(meanTokenProbability(body)).toBeCloseTo(0.4, 6);
  });

  it('reads the mock provider: confident by default, 0.3 when the answer says unsure', () => {
    expect(meanTokenProbability(answer(mockLogprobs('a plain answer')))).toBeGreaterThan(0.85);
    expect(meanTokenProbability(answer(mockLogprobs('I am unsure')))).toBeCloseTo(0.3, 6);
  });
});

describe('judgeConfidence', () => {
  const on = { hitl_confidence_threshold: 0.6 };
  it.each([
    ['gate off', {}, true, tokens(0.1), 'pass'],
    ['above the threshold', on, true, tokens(0.9), 'pass'],
    ['at the threshold', on, true, tokens(0.6), 'pass'],
    ['below the threshold', on, true, tokens(0.3), 'hold'],
    ['unsupported provider, default pass', on, false, tokens(0.1), 'pass'],
    [
      'unsupported provider, org holds',
      { ...on, hitl_confidence_on_unsupported: 'hold' as const },
      false,
      null,
      'hold',
    ],
    ['upstream sent none, default pass', on, true, null, 'pass'],
  ])('%s → %s', (_n, settings, supported, logprobs, kind) => {
    expect(judgeConfidence(settings, supported, answer(logprobs)).kind).toBe(kind);
  });

  it('a hold names the confidence and the threshold; an unjudged pass says why', () => {
    const held = judgeConfidence(on, true, answer(tokens(0.3)));
    expect(held).toMatchObject({ kind: 'hold', detail: expect.stringContaining('0.300') });
    expect(held.confidence).toBeCloseTo(0.3, 6);
    expect(judgeConfidence(on, false, answer(null))).toMatchObject({
      kind: 'pass',
      confidence: null,
      note: expect.stringContaining('no log-probabilities'),
    });
  });

  it('stripLogprobs removes what the gateway asked for', () => {
    const body = answer(tokens(0.9));
    stripLogprobs(body);
    expect(body.choices[0]!.logprobs).toBeNull();
  });
});

describe('sealed answers', () => {
  const key = randomBytes(32);

  it('round-trips under the same key and approval id', () => {
    const sealed = sealAnswer(key, 'apr_1', '{"a":"secret answer"}');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('secret');
    expect(openAnswer(key, 'apr_1', sealed)).toBe('{"a":"secret answer"}');
  });

  it('does not open under another key, another approval id, or when tampered with', () => {
    const sealed = sealAnswer(key, 'apr_1', 'text');
    expect(openAnswer(randomBytes(32), 'apr_1', sealed)).toBeNull();
    expect(openAnswer(key, 'apr_2', sealed)).toBeNull();
    const [v, iv, tag, data] = sealed.split('.');
    const flipped = Buffer.from(data!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(
      openAnswer(key, 'apr_1', [v, iv, tag, flipped.toString('base64url')].join('.')),
    ).toBeNull();
    expect(openAnswer(key, 'apr_1', 'not sealed')).toBeNull();
  });

  it('HELD_ANSWER_KEY: 64 hex digits or base64 of 32 bytes; anything else is a start-up error', () => {
    const raw = randomBytes(32);
    expect(heldAnswerKey(raw.toString('hex')).equals(raw)).toBe(true);
    expect(heldAnswerKey(raw.toString('base64')).equals(raw)).toBe(true);
    expect(heldAnswerKey(undefined)).toHaveLength(32);
    expect(() => heldAnswerKey('short')).toThrow('HELD_ANSWER_KEY');
  });
});

it('completionAsEvents: a held answer as the SSE stream a streaming client asked for', () => {
  const events = completionAsEvents(answer(null, 'hello there'))
    .trim()
    .split('\n\n')
    .map((e) => e.replace(/^data: /, ''));
  expect(events.at(-1)).toBe('[DONE]');
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
  expect(chunks[0].choices[0].delta).toMatchObject({ role: 'assistant', content: 'hello there' });
  expect(chunks[1].choices[0].finish_reason).toBe('stop');
  expect(chunks[2].usage).toMatchObject({ total_tokens: 5 });
  expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
});

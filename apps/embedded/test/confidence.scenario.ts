import { waitFor } from '@llmgov/testing';
import { OrgAdmin, admin, call, chat, type JsonResponse } from './harness/admin';
import type { LogprobUpstream } from './harness/logprob-upstream';

/** Where the scenario runs: the gateway, the registry and the approval service (embedded: one URL). */
export interface ConfidenceUrls {
  gateway: string;
  registry: string;
  approvals: string;
}

const ask = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content }],
  ...extra,
});

const expectHeld = (res: JsonResponse, confidence: number | null) => {
  expect(res.status).toBe(202);
  expect(res.body).toMatchObject({
    approval_id: expect.stringMatching(/^apr_/),
    status: 'pending',
    poll_url: `/approvals/${res.body.approval_id}`,
    reason: expect.stringContaining('confidence'),
  });
  if (confidence === null) expect(res.body.confidence).toBeNull();
  else expect(res.body.confidence).toBeCloseTo(confidence, 3);
  expect(res.headers.get('x-approval-id')).toBe(res.body.approval_id);
  return res.body.approval_id as string;
};

/**
 * The confidence gate end to end (issue 13 item 4): an answer below the org's threshold is held
 * (202), kept sealed at the approval service, returned once on the approved retry without a
 * second upstream call; a rejection deletes it; an answer above passes without the
 * log-probabilities the gateway asked for; an upstream without log-probabilities follows the
 * org's choice. The upstream is `upstream` (OpenAI-compatible, counting its calls).
 */
export async function runConfidenceScenario(
  urls: ConfidenceUrls,
  bootstrapKey: string,
  upstream: LogprobUpstream,
): Promise<void> {
  const org = await OrgAdmin.create(urls.registry, bootstrapKey, { plan: 'growth' });
  const key = (await org.key({ kind: 'gateway', name: 'agent' })).key;
  const reviewer = (await org.key({ kind: 'admin', role: 'reviewer', name: 'rita' })).key;
  await org.settings({ hitl_confidence_threshold: 0.6 });
  await org.untilEnforced([urls.gateway], key);
  const known = (id: string) =>
    waitFor(
      async () => {
        const res = await call(`${urls.approvals}/approvals/${id}`, { key: reviewer });
        expect(res.status).toBe(200);
        return res.body.data;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );

  // A confident answer passes; the log-probabilities the gateway asked for are not returned.
  const sure = await chat(urls.gateway, key, ask('the capital of France is Paris'));
  expect(sure.status).toBe(200);
  expect(upstream.calls.at(-1)).toMatchObject({ logprobs: true });
  expect(Number(sure.headers.get('x-gateway-confidence'))).toBeCloseTo(0.95, 3);
  expect(sure.body.choices[0]).toMatchObject({
    message: { content: 'the capital of France is Paris' },
    logprobs: null,
  });
  // A client that asks for them itself gets them.
  const own = await chat(urls.gateway, key, ask('tell me again', { logprobs: true }));
  expect(own.status).toBe(200);
  expect(own.body.choices[0].logprobs.content.length).toBeGreaterThan(0);

  // A low-confidence answer is held; approved, the retry returns it once, with no second call.
  const doubtful = ask('I am unsure whether the bridge holds 40 tonnes');
  const before = upstream.calls.length;
  const held = await chat(urls.gateway, key, doubtful);
  const id = expectHeld(held, 0.3);
  expect(upstream.calls.length).toBe(before + 1);
  expect(Number(held.headers.get('x-cost-usd'))).toBeGreaterThan(0);
  expect(JSON.stringify(held.body)).not.toContain('40 tonnes');
  const pending = await known(id);
  expect(pending).toMatchObject({ status: 'pending', trigger: { kind: 'confidence_gate' } });
  expect(JSON.stringify(pending)).not.toContain('40 tonnes');
  await admin(`${urls.approvals}/approvals/${id}/approve`, reviewer, { reason: 'checked' });
  const released = await chat(urls.gateway, key, doubtful, { 'x-approval-id': id });
  expect(released.status).toBe(200);
  expect(released.body.choices[0].message.content).toBe(doubtful.messages[0]!.content);
  expect(Number(released.headers.get('x-cost-usd'))).toBe(0);
  expect(upstream.calls.length).toBe(before + 1);
  const again = await chat(urls.gateway, key, doubtful, { 'x-approval-id': id });
  expect(again.status).toBe(403);
  expect(again.body.error).toMatchObject({ code: 'approval_denied', step: 'hitl_gate' });
  expect(upstream.calls.length).toBe(before + 1);

  // Rejected, the held answer is gone: the retry is refused and the upstream is not called.
  const other = ask('I am unsure about the dosage for a child');
  const rejectedId = expectHeld(await chat(urls.gateway, key, other), 0.3);
  await known(rejectedId);
  await admin(`${urls.approvals}/approvals/${rejectedId}/reject`, reviewer, { reason: 'unsafe' });
  const calls = upstream.calls.length;
  const refused = await chat(urls.gateway, key, other, { 'x-approval-id': rejectedId });
  expect(refused.status).toBe(403);
  expect(refused.body.error).toMatchObject({ code: 'approval_denied' });
  expect(upstream.calls.length).toBe(calls);

  // Streams under the gate are buffered: held as JSON, or relayed whole as SSE.
  const streamedHold = await chat(urls.gateway, key, ask('unsure, streamed', { stream: true }));
  expectHeld(streamedHold, 0.3);
  const streamed = await fetch(`${urls.gateway}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(ask('a calm streamed answer', { stream: true })),
  });
  expect(streamed.status).toBe(200);
  expect(streamed.headers.get('content-type')).toContain('text/event-stream');
  const events = await streamed.text();
  expect(events).toContain('a calm streamed answer');
  expect(events.trim().endsWith('data: [DONE]')).toBe(true);
  expect(upstream.calls.at(-1)).not.toHaveProperty('stream', true);

  // No log-probabilities: passes by default (confidence unknown), held when the org says so.
  const blind = await chat(urls.gateway, key, ask('nologprobs here'));
  expect(blind.status).toBe(200);
  expect(blind.headers.get('x-gateway-confidence')).toBe('unknown');
  await org.settings({ hitl_confidence_on_unsupported: 'hold' });
  await org.untilEnforced([urls.gateway], key);
  expectHeld(await chat(urls.gateway, key, ask('nologprobs again')), null);

  // Bad settings name the field.
  const bad = await call(`${urls.registry}/gateway/admin/governance/policy`, {
    key: org.org.ownerKey,
    method: 'PUT',
    body: { hitl_confidence_threshold: 1.5 },
  });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).toContain('hitl_confidence_threshold');
}

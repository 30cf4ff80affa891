import { randomBytes } from 'node:crypto';
import { waitFor } from '@llmgov/testing';
import type { CollectedSpan } from '../harness/otlp-collector';

/** OTLP's span kinds. */
const KIND = { client: 3, consumer: 5 } as const;
const STEPS = 13;

export interface TraceScenario {
  gateway: string;
  gatewayKey: string;
  /** The physical name of `gateway.requests.v1` (with the deployment's prefix). */
  requestsTopic: string;
  /** Every span exported so far. */
  spans(): CollectedSpan[];
  /** What the deployment carried for these requests: event id → request id, read outside the traces. */
  witness(requestIds: string[]): Promise<Map<string, string>>;
}

interface Sent {
  traceId: string;
  callerSpanId: string;
  requestId: string;
}

/**
 * `count` chat requests at once, each with its own caller `traceparent`; then, for every
 * request, one trace holds its gateway request span (under the caller's span), its 13
 * `governance.step` spans and its GenAI client span, and the ledger's and audit's `process`
 * spans for each of its own events; and no span about another request's event is in it.
 */
export async function expectOneTracePerRequest(s: TraceScenario, count: number): Promise<void> {
  const body = JSON.stringify({
    model: 'mock/echo',
    messages: [{ role: 'user', content: 'trace me' }],
  });
  const burst = (): Promise<Sent[]> =>
    Promise.all(
      Array.from({ length: count }, async () => {
        const traceId = randomBytes(16).toString('hex');
        const callerSpanId = randomBytes(8).toString('hex');
        const res = await fetch(`${s.gateway}/v1/chat/completions`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${s.gatewayKey}`,
            'content-type': 'application/json',
            traceparent: `00-${traceId}-${callerSpanId}-01`,
          },
          body,
        });
        expect(res.status).toBe(200);
        await res.text();
        return { traceId, callerSpanId, requestId: String(res.headers.get('x-request-id')) };
      }),
    );
  const sent = await burst();
  expect(new Set(sent.map((r) => r.requestId)).size).toBe(count);

  const isProcess = (span: CollectedSpan) =>
    span.name === `process ${s.requestsTopic}` && span.kind === KIND.consumer;
  const group = (span: CollectedSpan) => String(span.attributes['messaging.consumer.group.name']);
  const messageId = (span: CollectedSpan) => String(span.attributes['messaging.message.id']);
  const consumer = (span: CollectedSpan) =>
    group(span).includes('audit')
      ? 'audit'
      : group(span).includes('budget-ledger')
        ? 'ledger'
        : 'other';

  // Wait until, for every request, the ledger and the audit processed each of its events and
  // the spans reached the collector. Where they landed is asserted below.
  const { spans, requestOf } = await waitFor(
    async () => {
      const requestOf = await s.witness(sent.map((r) => r.requestId));
      const all = s.spans();
      const processed = new Set(
        all.filter(isProcess).map((span) => `${consumer(span)}:${messageId(span)}`),
      );
      for (const { requestId } of sent) {
        const events = [...requestOf].filter(([, r]) => r === requestId).map(([id]) => id);
        expect(events.length).toBeGreaterThan(0);
        for (const id of events)
          expect([processed.has(`ledger:${id}`), processed.has(`audit:${id}`)]).toEqual([
            true,
            true,
          ]);
      }
      return { spans: all, requestOf };
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );

  const byTrace = new Map<string, CollectedSpan[]>();
  for (const span of spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);

  for (const { traceId, callerSpanId, requestId } of sent) {
    const trace = byTrace.get(traceId) ?? [];
    const own = new Set([...requestOf].filter(([, r]) => r === requestId).map(([id]) => id));

    // The gateway's part: one request span under the caller's, 13 steps and the GenAI call under it.
    const requests = trace.filter((span) => span.name === 'gateway.request');
    expect(requests).toHaveLength(1);
    expect(requests[0].parentSpanId).toBe(callerSpanId);
    const steps = trace.filter((span) => span.name === 'governance.step');
    expect(steps).toHaveLength(STEPS);
    expect(steps.every((span) => span.parentSpanId === requests[0].spanId)).toBe(true);
    const chat = trace.filter((span) => span.attributes['gen_ai.operation.name'] === 'chat');
    expect(chat).toHaveLength(1);
    expect(chat[0]).toMatchObject({ kind: KIND.client, parentSpanId: requests[0].spanId });

    // The consumers' part: the ledger's and audit's process spans for each of its events.
    const processes = trace.filter(isProcess);
    for (const id of own) {
      const by = processes.filter((span) => messageId(span) === id).map(consumer);
      expect([by.includes('ledger'), by.includes('audit')]).toEqual([true, true]);
    }

    // Nothing of another request: every message span here is about one of its own events,
    // and no other trace holds a span about one (but a batch's send span, which links them).
    const foreign = trace.filter(
      (span) => requestOf.has(messageId(span)) && !own.has(messageId(span)),
    );
    expect(foreign.map((span) => `${span.name} ${messageId(span)}`)).toEqual([]);
    const elsewhere = spans.filter((span) => span.traceId !== traceId && own.has(messageId(span)));
    expect(elsewhere.map((span) => span.name)).toEqual([]);
  }

  // Batches did happen (else this proves nothing about them): a batch's send span is a trace
  // of its own that links the creation context of each message it carried.
  // On a fast machine a burst's events may each leave alone: then more bursts, up to five.
  const batchSends = () =>
    s.spans().filter((span) => span.name === `send ${s.requestsTopic}` && span.links.length > 1);
  for (let i = 0; i < 5 && batchSends().length === 0; i++) {
    const batched = await waitFor(() => expect(batchSends().length).toBeGreaterThan(0), {
      timeoutMs: 5_000,
    }).then(
      () => true,
      () => false,
    );
    if (!batched) await burst();
  }
  expect(batchSends().length).toBeGreaterThan(0);
  for (const send of batchSends()) expect(send.parentSpanId).toBeUndefined();
}

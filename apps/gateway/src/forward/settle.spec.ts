import type { BudgetLimit } from '@llmgov/budget';
import { block, type ChainContext, type ChainResult } from '@llmgov/chain';
import type { EventBus } from '@llmgov/messaging';
import { metricsRegistry } from '@llmgov/telemetry';
import { NOW, ORG, prepared } from '../chain/testing/chain-fixture';
import { EventPublisher } from '../events/event-publisher';
import { admit } from './admission';
import { Settler, completionOf, type Settlement } from './settle';

const LIMIT: BudgetLimit = {
  org_id: ORG,
  scope: 'org',
  scope_id: ORG,
  period: 'day',
  period_start: '2026-06-15T00:00:00.000Z',
  limit_micro_usd: 1_000_000,
  code: 'daily_budget',
  policy_id: null,
  label: 'org daily budget',
};

/** A publisher over a bus that records each event's type and outcome as it is sent. */
function recording() {
  const sent: string[] = [];
  const bus = {
    publishBatch: async (_t: unknown, events: { type: string; data: { outcome?: string } }[]) => {
      for (const e of events) sent.push(e.data.outcome ? `${e.type}:${e.data.outcome}` : e.type);
    },
  } as unknown as EventBus;
  return { publisher: new EventPublisher(bus, { lingerMs: 60_000 }), sent };
}

/** A request past the budget step with 5000 µ$ reserved. */
function reserved(): { ctx: ChainContext; result: ChainResult } {
  const ctx = prepared();
  ctx.budget_limits = [LIMIT];
  const principal = { ...ctx.principal!, session_id: null };
  ctx.views.budget.reserve(ctx.request_id, principal, [LIMIT], 5000, NOW, true);
  ctx.reserved_micro_usd = 5000;
  const result: ChainResult = {
    outcome: { kind: 'forward', warnings: [] },
    trace: [],
    governance_ms: 1,
  };
  return { ctx, result };
}

const requests = async (outcome: string, step: string, code: string): Promise<number> => {
  const metric = await metricsRegistry().getSingleMetric('gateway_requests_total')!.get();
  const row = metric.values.find(
    (v) => v.labels.outcome === outcome && v.labels.step === step && v.labels.code === code,
  );
  return row?.value ?? 0;
};

describe('Settler.settle', () => {
  it('a refusal releases the reservation, publishes policy.violated and request.completed, counts refused', async () => {
    const { publisher, sent } = recording();
    const { ctx, result } = reserved();
    const before = await requests('refused', 'content_safety', 'content_safety');
    const b = block('content_safety', 403, 'blocked');
    new Settler({ publisher, clock: { now: () => NOW }, replicaId: 'r1' }).settle(ctx, result, {
      reservation: 'release',
      completion: completionOf(ctx, result, 'refused', 403),
      violation: { step: 'content_safety', block: b },
    });
    await publisher.flush();
    expect(ctx.views.budget.used(LIMIT)).toBe(0);
    expect(sent.sort()).toEqual(['policy.violated', 'request.completed:refused']);
    expect(await requests('refused', 'content_safety', 'content_safety')).toBe(before + 1);
  });

  it('an answer commits its cost and withdraws the request.admitted not sent yet', async () => {
    const { publisher, sent } = recording();
    const { ctx, result } = reserved();
    const a = admit(publisher, 'r1', ctx, result);
    const before = await requests('allowed', 'none', 'none');
    const s: Settlement = {
      reservation: 'commit',
      completion: completionOf(ctx, result, 'forwarded', 200, { cost_micro_usd: 1200 }),
      admittedId: a.admittedId,
    };
    new Settler({ publisher, clock: { now: () => NOW }, replicaId: 'r1' }).settle(ctx, result, s);
    await publisher.flush();
    expect(ctx.views.budget.used(LIMIT)).toBe(1200);
    expect(sent).toEqual(['request.completed:forwarded']);
    expect(await requests('allowed', 'none', 'none')).toBe(before + 1);
  });

  it('a hold publishes approval.requested with the completion, counted under its metric', async () => {
    const { publisher, sent } = recording();
    const { ctx, result } = reserved();
    const before = await requests('held', 'hitl_gate', 'approval_required');
    new Settler({ publisher, clock: { now: () => NOW }, replicaId: 'r1' }).settle(ctx, result, {
      reservation: 'release',
      completion: completionOf(ctx, result, 'pending_approval', 202),
      approval: {
        id: 'apr_1',
        expires: new Date(NOW.getTime() + 3_600_000),
        trigger: { kind: 'require_approval', policy_id: null, detail: 'review' },
      },
      metric: { outcome: 'held', step: 'hitl_gate', code: 'approval_required' },
    });
    await publisher.flush();
    expect(ctx.views.budget.used(LIMIT)).toBe(0);
    expect(sent.sort()).toEqual(['approval.requested', 'request.completed:pending_approval']);
    expect(await requests('held', 'hitl_gate', 'approval_required')).toBe(before + 1);
  });
});

import { requestsTopic } from '@llmgov/events';
import { KafkaEventBus, silentLogger, type Subscription } from '@llmgov/messaging';
import { kafkaBrokers, testTopicPrefix, waitFor } from '@llmgov/testing';
import { budgetLimitsFor } from './budget-limits-for';
import { ReservationBook } from './reservation-book';
import { overAdmissionBoundMicroUsd } from './over-admission';
import { budgetDocument, principal } from './test-documents';
import { admittedEvent, completedEvent } from './test-events';

type RequestEvent = ReturnType<typeof admittedEvent> | ReturnType<typeof completedEvent>;

/**
 * Publishes events in batches: whatever queued while the previous send was in flight goes
 * in the next one. One request in flight per producer (idempotence) makes one send per
 * event queue up under load; batching keeps the propagation lag near one round trip.
 */
class BatchPublisher {
  private queue: { event: RequestEvent; done: () => void; fail: (e: unknown) => void }[] = [];
  private sending = false;
  constructor(private readonly send: (events: RequestEvent[]) => Promise<void>) {}

  publish(event: RequestEvent): Promise<void> {
    return new Promise((done, fail) => {
      this.queue.push({ event, done, fail });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      await this.send(batch.map((b) => b.event)).then(
        () => batch.forEach((b) => b.done()),
        (e) => batch.forEach((b) => b.fail(e)),
      );
    }
    this.sending = false;
  }
}

/**
 * Three gateway "replicas", each a ReservationBook, share one daily budget through a real
 * Kafka topic under concurrent load. Each admits on its own view and folds in its peers'
 * request.admitted / request.completed. The overspend must stay within the stated bound:
 * what peers admitted within one propagation-lag window (docs/budgets.md).
 */
describe('three replicas sharing a budget over Kafka', () => {
  const prefix = testTopicPrefix();
  const replicas = ['r1', 'r2', 'r3'].map((id) => ({
    id,
    book: new ReservationBook({ replica_id: id }),
    bus: new KafkaEventBus({
      brokers: kafkaBrokers(),
      clientId: `budget-${id}`,
      topicPrefix: prefix,
      logger: silentLogger,
    }),
    subscription: undefined as Subscription | undefined,
    lagsMs: [] as number[],
    seen: new Set<string>(),
    publisher: undefined as unknown as BatchPublisher,
  }));
  replicas.forEach(
    (r) =>
      (r.publisher = new BatchPublisher((events) => r.bus.publishBatch(requestsTopic, events))),
  );

  beforeAll(async () => {
    await replicas[0].bus.ensureTopics([requestsTopic]);
    for (const r of replicas) {
      r.subscription = await r.bus.subscribe({
        topic: requestsTopic,
        group: `budget.${r.id}`,
        fromBeginning: true,
        handler: async (event) => {
          r.seen.add(event.data.request_id);
          if (event.type === 'request.admitted' && event.data.replica_id !== r.id)
            r.lagsMs.push(Date.now() - Date.parse(event.data.admitted_at));
          r.book.apply(event);
        },
      });
    }
    // Every consumer has joined and is reading once each sees a warm-up event of every replica.
    const warm = principal({ org_id: 'org_warmup' });
    await Promise.all(
      replicas.map((r) =>
        r.bus.publish(requestsTopic, admittedEvent(`req_warm_${r.id}`, 0, r.id, new Date(), warm)),
      ),
    );
    await waitFor(
      () =>
        replicas.forEach((r) =>
          replicas.forEach((o) => expect(r.seen.has(`req_warm_${o.id}`)).toBe(true)),
        ),
      { timeoutMs: 30_000 },
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.bus.close()));
  }, 30_000);

  it('admits no more than the budget plus what peers admitted within one propagation lag', async () => {
    const doc = budgetDocument({ daily_budget_usd: 5, team_budgets: {} });
    const each = 100_000; // $0.10: the budget admits 50 on one replica
    const attemptsPerReplica = 80;
    const admissions: { replica: string; at: number }[] = [];
    const pending: Promise<unknown>[] = [];

    await Promise.all(
      replicas.map(async (r) => {
        for (let i = 0; i < attemptsPerReplica; i++) {
          const now = new Date();
          const request_id = `req_${r.id}_${i}`;
          const result = r.book.reserve({
            request_id,
            principal: principal(),
            limits: budgetLimitsFor(doc, principal(), now),
            amount_micro_usd: each,
            at: now,
            expires_at: new Date(now.getTime() + 60_000),
          });
          if (result.ok) {
            admissions.push({ replica: r.id, at: now.getTime() });
            // Worst case for the budget: the request costs all it reserved.
            pending.push(
              r.publisher.publish(admittedEvent(request_id, each, r.id, now)).then(async () => {
                await new Promise((done) => setTimeout(done, 20));
                r.book.settle(request_id, each);
                await r.publisher.publish(completedEvent(request_id, each, r.id, now));
              }),
            );
          }
          await new Promise((done) => setTimeout(done, 3));
        }
      }),
    );
    await Promise.all(pending);

    const limit = budgetLimitsFor(doc, principal(), new Date())[0];
    const admittedTotal = admissions.length * each;
    // Every replica converges on the same settled spend, with nothing left reserved.
    await waitFor(
      () =>
        replicas.forEach((r) =>
          expect(r.book.status(limit)).toMatchObject({
            spent_micro_usd: admittedTotal,
            reserved_micro_usd: 0,
          }),
        ),
      { timeoutMs: 20_000 },
    );

    const lagMs = Math.max(...replicas.flatMap((r) => r.lagsMs));
    // The bound, measured: the most admissions peers made within any window of one lag before an admission.
    const peersInWindow = Math.max(
      ...admissions.map(
        (a) =>
          admissions.filter((b) => b.replica !== a.replica && b.at > a.at - lagMs && b.at <= a.at)
            .length,
      ),
    );
    const overspend = Math.max(0, admittedTotal - limit.limit_micro_usd);
    const durationS =
      (Math.max(...admissions.map((a) => a.at)) - Math.min(...admissions.map((a) => a.at))) /
        1000 || 0.001;
    const formula = overAdmissionBoundMicroUsd({
      peer_admissions_per_s: (admissions.length * 2) / 3 / durationS,
      propagation_lag_ms: lagMs,
      max_reservation_micro_usd: each,
    });
    process.stdout.write(
      `replicas: admitted ${admissions.length} × $0.10 on a $5 budget; overspend $${overspend / 1e6}; max lag ${lagMs} ms; ` +
        `peers' admissions in one lag window ≤ ${peersInWindow} (bound $${(peersInWindow * each) / 1e6}); rate formula bound $${formula / 1e6}\n`,
    );
    expect(admissions.length).toBeGreaterThanOrEqual(50);
    expect(overspend).toBeLessThanOrEqual(peersInWindow * each);
  }, 60_000);
});

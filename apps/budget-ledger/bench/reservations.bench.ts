// Reservations per second of one ReservationBook, and ledger events per second ingested
// into Postgres (directly, and end to end through Kafka).
//   DATABASE_URL=… KAFKA_BROKERS=… npx node -r ./tools/register.cjs apps/budget-ledger/bench/reservations.bench.ts
// Defaults: the local Postgres and the infra/kafka broker the tests use.
import {
  admittedEvent,
  budgetDocument,
  budgetLimitsFor,
  completedEvent,
  principal,
  ReservationBook,
} from '@llmgov/budget';
import { requestsTopic } from '@llmgov/events';
import { EventStore, Inbox } from '@llmgov/eventstore';
import { KafkaEventBus, silentLogger } from '@llmgov/messaging';
import { testSchema, testTopicPrefix } from '@llmgov/testing';
import { LedgerConsumer } from '../src/ingest/ledger.consumer';
import { LedgerWriter } from '../src/ingest/ledger.writer';
import { createLedgerDataSource } from '../src/persistence/data-source';

process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
process.env.KAFKA_BROKERS ??= '127.0.0.1:19092';

const rate = (n: number, ms: number) => Math.round((n * 1000) / ms).toLocaleString('en-US');

function benchBook(): void {
  const at = new Date('2026-03-14T12:00:00.000Z');
  const doc = budgetDocument(
    {
      daily_budget_usd: 1_000_000,
      team_budgets: { team_t: 1_000_000 },
      key_budgets: { gk_id_k: 1_000_000 },
      runner_session_budget_usd: 1_000_000,
    },
    [
      {
        id: 'pol_agent',
        scope: 'agent',
        agent_id: 'agt_x',
        config: { monthly_limit_usd: 1_000_000 },
      },
    ],
  );
  const p = principal({ session_id: 'sess_1' });
  const limits = budgetLimitsFor(doc, p, at);
  const book = new ReservationBook({ replica_id: 'bench' });
  const expires = new Date(at.getTime() + 60_000);
  const n = 200_000;
  for (let i = 0; i < 10_000; i++)
    book.reserve({
      request_id: `w${i}`,
      principal: p,
      limits,
      amount_micro_usd: 10,
      at,
      expires_at: expires,
    });
  let t = performance.now();
  for (let i = 0; i < n; i++)
    book.reserve({
      request_id: `r${i}`,
      principal: p,
      limits,
      amount_micro_usd: 10,
      at,
      expires_at: expires,
    });
  const reserveMs = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < n; i++) book.settle(`r${i}`, 7);
  const settleMs = performance.now() - t;
  const peers = 100_000;
  const events = Array.from({ length: peers }, (_, i) => [
    admittedEvent(`p${i}`, 10, 'peer', at, p),
    completedEvent(`p${i}`, 7, 'peer', at, p),
  ]).flat();
  t = performance.now();
  for (const e of events) book.apply(e);
  const peerMs = performance.now() - t;
  console.log(
    `ReservationBook (${limits.length} limits per request, ${n.toLocaleString('en-US')} requests):`,
  );
  console.log(`  reserve            ${rate(n, reserveMs)} reservations/s`);
  console.log(`  settle             ${rate(n, settleMs)} settlements/s`);
  console.log(`  peer events folded ${rate(events.length, peerMs)} events/s`);
}

async function benchLedger(): Promise<void> {
  const schema = await testSchema('budget_ledger_bench');
  const ds = await createLedgerDataSource({ url: schema.url, schema: schema.name, poolSize: 16 });
  const bus = new KafkaEventBus({
    brokers: process.env.KAFKA_BROKERS!.split(','),
    clientId: 'ledger-bench',
    topicPrefix: testTopicPrefix(),
    logger: silentLogger,
  });
  try {
    const writer = new LedgerWriter(
      ds,
      schema.name,
      new Inbox(ds, schema.name),
      new EventStore(ds, schema.name),
      () => new Date(),
      () => `evt_${Math.random()}`,
    );
    await writer.handle(
      'bench',
      { ...(await import('../test/ledger-fixtures')).publishedEvent(budgetDocument(), 1) },
      null,
    );
    const at = new Date();
    const p = principal({ session_id: 'sess_1' });
    const make = (tag: string, n: number) =>
      Array.from({ length: n }, (_, i) => [
        admittedEvent(`${tag}${i}`, 2_000, 'gw', at, p),
        completedEvent(`${tag}${i}`, 1_000, 'gw', at, p, 2_000),
      ]).flat();

    for (const concurrency of [1, 8]) {
      const events = make(`d${concurrency}_`, 1_000);
      const t = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < events.length) await writer.handle('bench', events[next++], null);
        }),
      );
      console.log(
        `Ledger ingest, direct to Postgres, ${concurrency} in parallel: ${rate(events.length, performance.now() - t)} events/s (${events.length} events)`,
      );
    }

    for (const size of [100, 500]) {
      const events = make(`b${size}_`, 2_000);
      const t = performance.now();
      for (let i = 0; i < events.length; i += size) {
        await writer.handleBatch(
          'bench',
          events.slice(i, i + size).map((event) => ({ event, position: null })),
        );
      }
      console.log(
        `Ledger ingest, direct to Postgres, batches of ${size}: ${rate(events.length, performance.now() - t)} events/s (${events.length} events)`,
      );
    }

    const events = make('k', 10_000);
    for (let i = 0; i < events.length; i += 500)
      await bus.publishBatch(requestsTopic, events.slice(i, i + 500));
    const consumer = new LedgerConsumer(bus, writer, 'bench');
    const count = async () =>
      Number(
        (
          await ds.query(
            `select count(*)::int as c from "${schema.name}".inbox where consumer = 'bench.requests'`,
          )
        )[0].c,
      );
    const t = performance.now();
    await consumer.start();
    let firstAt = 0;
    for (;;) {
      const c = await count();
      if (c > 0 && !firstAt) firstAt = performance.now();
      if (c >= events.length) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const end = performance.now();
    await consumer.stop();
    console.log(
      `Ledger ingest through Kafka (LedgerConsumer, batches): ${rate(events.length, end - firstAt)} events/s (${events.length} events; group join ${Math.round(firstAt - t)} ms)`,
    );
  } finally {
    await bus.close();
    await ds.destroy();
    await schema.cleanup();
  }
}

void (async () => {
  benchBook();
  await benchLedger();
})().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

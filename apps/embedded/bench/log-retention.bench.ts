// Embedded event log retention: a synthetic log of old request events (older than the kept
// months, every consumer past them) and some governance events; its size on disk and how
// long a start takes to load it, before and after compaction.
//   node -r ./tools/register.cjs apps/embedded/bench/log-retention.bench.ts [old request events]
// Needs neither Kafka nor Postgres. CPU time (µs, this process) is printed next to wall
// time: it holds when other jobs share the cores. Run against code without retention, the
// second start loads the whole log again.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allTopics, exampleEvents, requestsTopic, tenancyTopic } from '@llmgov/events';
import { silentLogger } from '@llmgov/messaging';
import { DurableEventLog } from '../src/durable-event-log';
import { segmentFiles } from '../src/event-log-segments';

const OLD = Number(process.argv[2] ?? 200_000);
const RECENT = 2_000;
const GOVERNANCE = 500;
const now = new Date();
const monthsAgo = (n: number) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, 10)).toISOString();

const bytes = (file: string) => segmentFiles(file).reduce((n, s) => n + statSync(s.path).size, 0);
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

async function build(file: string): Promise<void> {
  const log = new DurableEventLog(file, { logger: silentLogger });
  await log.ensureTopics(allTopics);
  await log.open();
  const governance = Array.from({ length: GOVERNANCE }, (_, i) => ({
    ...structuredClone(exampleEvents['org.created']),
    id: `gov_${i}`,
  }));
  await log.publishBatch(tenancyTopic, governance);
  const request = (i: number, time: string) => {
    const e = structuredClone(exampleEvents['request.completed']);
    return { ...e, id: `req_${i}`, time, data: { ...e.data, request_id: `req_${i}` } };
  };
  for (let i = 0; i < OLD; i += 1000)
    await log.publishBatch(
      requestsTopic,
      Array.from({ length: Math.min(1000, OLD - i) }, (_, j) => request(i + j, monthsAgo(3))),
    );
  await log.publishBatch(
    requestsTopic,
    Array.from({ length: RECENT }, (_, j) => request(OLD + j, now.toISOString())),
  );
  await log.close();
  // Every durable consumer has handled everything (ledger, projections, audit).
  const end = { [tenancyTopic.name]: GOVERNANCE, [requestsTopic.name]: OLD + RECENT };
  const groups = [
    [requestsTopic.name, 'budget-ledger.requests'],
    [requestsTopic.name, 'policy-registry.decision-inputs'],
    [requestsTopic.name, `audit.log.${requestsTopic.name}`],
    [tenancyTopic.name, `audit.log.${tenancyTopic.name}`],
  ];
  writeFileSync(
    file.replace(/\.jsonl$/, '.offsets.json'),
    JSON.stringify(groups.map(([topic, group]) => ({ topic, group, offset: end[topic] }))),
  );
}

async function timedOpen(file: string) {
  global.gc?.();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const log = new DurableEventLog(file, { logger: silentLogger });
  await log.ensureTopics(allTopics);
  const loaded = await log.open();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const heapMiB = process.memoryUsage().heapUsed / 1024 / 1024;
  const kept = log.readTopic(requestsTopic.name).length;
  await log.close();
  return {
    loaded,
    kept_request_events: kept,
    ms: Math.round(ms),
    cpu_ms: Math.round((used.user + used.system) / 1000),
    heap_after_open_mib: Math.round(heapMiB),
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'log-retention-bench-'));
  const file = join(dir, 'events.jsonl');
  try {
    await build(file);
    const sizeBefore = bytes(file);
    const first = await timedOpen(file);
    const sizeAfter = bytes(file);
    const second = await timedOpen(file);
    process.stdout.write(
      `${JSON.stringify(
        {
          old_request_events: OLD,
          recent_request_events: RECENT,
          governance_events: GOVERNANCE,
          size_before: mib(sizeBefore),
          first_start: first,
          size_after_first_start: mib(sizeAfter),
          second_start: second,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();

// Embedded mode (PGlite, in-process bus) as it runs: real HTTP load on the gateway
// (POST /v1/chat/completions, model mock/echo, from a separate process, closed loop) while
// the ledger, the audit and the registry ingest what it produces. Samples every second the
// requests answered and each consumer's lag on the requests topic (log end − committed
// offset), then times the drain once the load stops (issue 17 item 8).
//   node -r ./tools/register.cjs apps/embedded/bench/live-ingest.bench.ts [seconds] [concurrency]
// INGEST_MAX_LAG_MS (default 250; 0: unpaced) as the embedded mode reads it (docs/limits.md).
// A consumer keeps up when its lag stays bounded: at every sample of the second half of the
// run (the first half is warm-up) it is at most one second of production (the run's sustained
// events/s). A consumer slower than the gateway by a tenth passes that bound within ~10 s.
// CPU per request and per event is of this process, all threads (the load is not in it).
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { requestsTopic } from '@llmgov/events';
import { loadConfig } from '../src/config';
import { startEmbedded } from '../src/embedded';
import { applyBenchPolicy } from './bench-policy';

const SECONDS = Number(process.argv[2] ?? 20);
const CONCURRENCY = Number(process.argv[3] ?? 64);
const MODEL = 'mock/echo';
/** Consumer groups of the requests topic that write to the database. */
const GROUPS = {
  ledger: 'budget-ledger.requests',
  audit: `audit.log.${requestsTopic.name}`,
  registry: 'policy-registry.decision-inputs',
} as const;
type Sink = keyof typeof GROUPS;
const SINKS = Object.keys(GROUPS) as Sink[];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  t: number;
  answered: number;
  produced: number;
  lag: Record<Sink, number>;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmgov-live-bench-'));
  const embedded = await startEmbedded(
    loadConfig({
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      DEMO: 'on',
      LOG_LEVEL: 'error',
      INGEST_MAX_LAG_MS: process.env.INGEST_MAX_LAG_MS,
    }),
  );
  try {
    const base = `http://127.0.0.1:${embedded.port}`;
    const demo = embedded.demo!;
    await applyBenchPolicy(base, demo, MODEL);
    const bus = embedded.bus;
    const topic = requestsTopic.name;
    const end0 = bus.logEnd(topic);
    const lagOf = (sink: Sink) => bus.logEnd(topic) - bus.committedOffset(topic, GROUPS[sink]);
    const lags = () => Object.fromEntries(SINKS.map((s) => [s, lagOf(s)])) as Record<Sink, number>;

    const body = JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content: 'Summarise the quarterly report in two sentences.' }],
      max_tokens: 64,
    });
    const load = spawn(
      process.execPath,
      [
        join(__dirname, 'http-load.mjs'),
        `${base}/v1/chat/completions`,
        demo.gateway_key,
        String(CONCURRENCY),
        String(SECONDS),
        body,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let counts = { ok: 0, refused: 0, failed: 0, errors: 0, done: false };
    createInterface({ input: load.stdout! }).on('line', (line) => (counts = JSON.parse(line)));
    const exited = new Promise<void>((resolve) => load.once('exit', () => resolve()));

    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    let elu = elu0;
    const t0 = performance.now();
    const samples: Sample[] = [];
    while (!counts.done) {
      await Promise.race([sleep(1000), exited]);
      if (counts.done) break;
      samples.push({
        t: Math.round((performance.now() - t0) / 100) / 10,
        answered: counts.ok + counts.refused + counts.failed,
        produced: bus.logEnd(topic) - end0,
        lag: lags(),
      });
      const s = samples[samples.length - 1];
      const busy = performance.eventLoopUtilization(elu).utilization;
      elu = performance.eventLoopUtilization();
      process.stderr.write(
        `t=${s.t}s answered=${s.answered} produced=${s.produced} lag ${SINKS.map((k) => `${k}=${s.lag[k]}`).join(' ')} main thread busy ${Math.round(busy * 100)} %\n`,
      );
    }
    const loadS = (performance.now() - t0) / 1000;
    const mainBusy = performance.eventLoopUtilization(elu0).utilization;
    const cpuLoad = process.cpuUsage(cpu0);
    const produced = bus.logEnd(topic) - end0;
    const atEnd = lags();
    const drainMs: Partial<Record<Sink, number>> = {};
    const tEnd = performance.now();
    while (SINKS.some((s) => drainMs[s] === undefined) && performance.now() - tEnd < 300_000) {
      for (const s of SINKS)
        if (drainMs[s] === undefined && lagOf(s) === 0)
          drainMs[s] = Math.round(performance.now() - tEnd);
      await sleep(20);
    }
    const cpuAll = process.cpuUsage(cpu0);
    const answered = counts.ok + counts.refused + counts.failed;
    const eventsPerS = produced / loadS;
    const bound = Math.round(eventsPerS);
    const secondHalf = samples.filter((s) => s.t > loadS / 2);
    const perSink = Object.fromEntries(
      SINKS.map((s) => {
        const maxLag = Math.max(0, ...samples.map((x) => x.lag[s]));
        const maxLate = Math.max(0, ...secondHalf.map((x) => x.lag[s]));
        return [
          s,
          {
            ingested_events_per_s: Math.round((produced - atEnd[s]) / loadS),
            max_lag_events: maxLag,
            max_lag_s: +(maxLag / eventsPerS).toFixed(2),
            lag_at_end_events: atEnd[s],
            lag_at_end_s: +(atEnd[s] / eventsPerS).toFixed(2),
            drain_ms: drainMs[s] ?? null,
            keeps_up: maxLate <= bound,
          },
        ];
      }),
    );
    console.log(
      JSON.stringify({
        seconds: +loadS.toFixed(1),
        concurrency: CONCURRENCY,
        answered,
        ok: counts.ok,
        refused: counts.refused,
        failed: counts.failed + counts.errors,
        req_per_s: Math.round(answered / loadS),
        events_per_s: Math.round(eventsPerS),
        events_per_request: +(produced / Math.max(1, answered)).toFixed(2),
        lag_bound_events: bound,
        main_thread_busy_pct: Math.round(mainBusy * 100),
        ...perSink,
        cpu_us: {
          per_request_under_load: Math.round(
            (cpuLoad.user + cpuLoad.system) / Math.max(1, answered),
          ),
          per_event_load_and_drain: Math.round(
            (cpuAll.user + cpuAll.system) / Math.max(1, produced),
          ),
        },
      }),
    );
  } finally {
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

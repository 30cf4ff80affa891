// Embedded mode (PGlite, in-process bus): how fast the ledger and the audit each take a burst
// of gateway events (timed by their consumer groups' committed offsets), next to the gateway's
// sustained request rate × events per request, then how long a restart takes to be ready,
// resuming from the consumers' checkpoints and (checkpoints removed) replaying the whole log.
//   node -r ./tools/register.cjs apps/embedded/bench/ingest-replay.bench.ts [requests]
// GATEWAY_REQ_PER_S: a gateway rate to compare with (default 3000, the top of the unpaced
// embedded range measured by `npm run bench:gateway`, docs/benchmarks.md), at the slow-upstream
// worst case of two events a request: `above_gateway_rate` says whether a burst is taken that
// fast. Whether ingest keeps up as the system runs (the paced gateway) is `embedded-live`'s.
// CPU time per event (this process, and its main thread alone: the thread the gateway serves
// on) is printed too: unlike events/s, it holds when other jobs share the cores.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleEvents, requestsTopic } from '@llmgov/events';
import { newSecret } from '@llmgov/service-kit';
import { freePort } from '@llmgov/testing';
import { loadConfig } from '../src/config';
import { startEmbedded, type Embedded } from '../src/embedded';

const REQUESTS = Number(process.argv[2] ?? 5000);
const GATEWAY_REQ_PER_S = Number(process.env.GATEWAY_REQ_PER_S ?? 3000);
/**
 * Events one gateway request puts on the requests topic at most: request.admitted and
 * request.completed. The admitted one is withdrawn when the request settles before it was
 * sent, so a fast upstream yields one (`npm run bench embedded-live` measures it): two is the
 * slow-upstream worst case.
 */
const EVENTS_PER_REQUEST = 2;
const ORG = 'org_bench_ingest';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * CPU time (µs) of this process's main thread: `process.threadCpuUsage` (Node 23.9+), else
 * utime + stime of /proc/self/task/<pid>/stat in clock ticks (Linux, 100 per second); null elsewhere.
 */
function mainThreadCpuUs(): number | null {
  const own = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.();
  if (own) return own.user + own.system;
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmgov-replay-bench-'));
  const key = newSecret('msh');
  let base = '';
  const start = async (): Promise<Embedded> => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    return startEmbedded(
      loadConfig({
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        BOOTSTRAP_ADMIN_KEY: key,
        DEMO: 'off',
        LOG_LEVEL: 'error',
      }),
    );
  };
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, body: (await res.json()) as { data?: { position: number }[] } };
  };
  // The newest entry's position is the chain's length (cheaper to poll than a verification).
  const logged = async () =>
    (await get(`/audit/events?org_id=${ORG}&limit=1`)).body.data?.[0]?.position ?? 0;
  const untilReady = async (t0: number) => {
    while ((await get('/health/ready')).status !== 200) await sleep(20);
    return Math.round(performance.now() - t0);
  };
  try {
    // Each gateway request yields request.admitted and request.completed (~2 events a request).
    let embedded = await start();
    const events = Array.from({ length: REQUESTS }, (_, i) => {
      const request_id = `req_${i}_${randomUUID().slice(0, 8)}`;
      const admitted = { ...structuredClone(exampleEvents['request.admitted']), id: randomUUID() };
      const completed = {
        ...structuredClone(exampleEvents['request.completed']),
        id: randomUUID(),
      };
      Object.assign(admitted.data, { org_id: ORG, request_id });
      Object.assign(completed.data, { org_id: ORG, request_id });
      return [admitted, completed];
    }).flat();
    const bus = embedded.bus;
    const done = { ledger: 0, audit: 0 };
    const groups = { ledger: 'budget-ledger.requests', audit: `audit.log.${requestsTopic.name}` };
    const cpu0 = { process: process.cpuUsage(), main: mainThreadCpuUs() };
    const t0 = performance.now();
    for (let i = 0; i < events.length; i += 500)
      await bus.publishBatch(requestsTopic, events.slice(i, i + 500));
    const published = performance.now() - t0;
    while (!done.ledger || !done.audit) {
      for (const sink of ['ledger', 'audit'] as const)
        if (!done[sink] && bus.committedOffset(requestsTopic.name, groups[sink]) >= events.length)
          done[sink] = performance.now() - t0;
      await sleep(10);
    }
    const ingestMs = Math.max(done.ledger, done.audit);
    const processCpu = process.cpuUsage(cpu0.process);
    const mainCpu = cpu0.main === null ? null : mainThreadCpuUs()! - cpu0.main;
    if ((await logged()) !== events.length) throw new Error('audit chain length differs');
    await embedded.stop();

    let t = performance.now();
    embedded = await start();
    const resumeMs = await untilReady(t);
    await embedded.stop();

    unlinkSync(join(dataDir, 'events.offsets.json'));
    t = performance.now();
    embedded = await start();
    const replayMs = await untilReady(t);
    await embedded.stop();

    const ledgerRate = Math.round((events.length * 1000) / done.ledger);
    const auditRate = Math.round((events.length * 1000) / done.audit);
    const needed = GATEWAY_REQ_PER_S * EVENTS_PER_REQUEST;
    console.log(
      JSON.stringify({
        requests: REQUESTS,
        events: events.length,
        publish_s: (published / 1000).toFixed(2),
        ledger_events_per_s: ledgerRate,
        audit_events_per_s: auditRate,
        ingest_events_per_s: Math.round((events.length * 1000) / ingestMs),
        ingest_s: (ingestMs / 1000).toFixed(2),
        gateway: {
          req_per_s: GATEWAY_REQ_PER_S,
          events_per_request: EVENTS_PER_REQUEST,
          events_per_s: needed,
        },
        cpu_us_per_event: {
          process: Math.round((processCpu.user + processCpu.system) / events.length),
          main_thread: mainCpu === null ? null : Math.round(mainCpu / events.length),
        },
        above_gateway_rate: { ledger: ledgerRate >= needed, audit: auditRate >= needed },
        restart_to_ready_ms: { from_checkpoints: resumeMs, full_replay: replayMs },
      }),
    );
  } finally {
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

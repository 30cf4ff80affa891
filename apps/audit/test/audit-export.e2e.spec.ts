import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Client } from 'pg';
import { waitFor } from '@llmgov/testing';
import { adminKey, bearer, startAudit, type AuditHarness } from './audit-harness';

const ROWS = 100_000;

// Collect garbage before the baseline, so the baseline is what is live.
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;
const ORG = 'org_export';

/**
 * Export streams from Postgres in keyset batches: the process does not hold the export.
 * Rows are bulk-inserted in SQL (their hashes are not a chain: this test is about memory).
 */
describe('GET /audit/export (100 000 entries)', () => {
  let h: AuditHarness;
  let owner: string;
  let base: string;

  beforeAll(async () => {
    h = await startAudit({ inProcessBus: true, consume: false });
    owner = await adminKey(h.bus, ORG);
    const db = new Client({ connectionString: h.schema.url });
    await db.connect();
    try {
      await db.query(
        `insert into "${h.schema.name}".audit_entries
         (chain, position, event_id, type, topic, time, recorded_at, actor, agent_id, key_id, model, step, code, policy_version, request_id, event, prev_hash, hash)
         select $1, g, 'evt_' || g, 'request.completed', 'gateway.requests.v1', now(), now(), null, 'agt_1', 'key_1', 'gpt-4o-mini', null, null, 7, 'req_' || g,
           jsonb_build_object('id', 'evt_' || g, 'type', 'request.completed', 'data', jsonb_build_object('request_id', 'req_' || g, 'usage', jsonb_build_object('prompt_tokens', 12, 'completion_tokens', 5), 'decision', jsonb_build_array('authenticate', 'request_limits', 'risk_classification', 'rate_limit'))),
           'sha256:' || repeat('0', 64), 'sha256:' || md5(g::text) || md5(g::text)
         from generate_series(1, $2) g`,
        [ORG, ROWS],
      );
    } finally {
      await db.end();
    }
    await h.app.listen(0, '127.0.0.1');
    base = await h.app.getUrl();
    await waitFor(async () => expect((await fetch(`${base}/audit/events?limit=1`, { headers: bearer(owner) })).status).toBe(200));
  }, 60_000);
  afterAll(() => h?.close());

  async function download(path: string): Promise<{ newlines: number; bytes: number }> {
    const res = await fetch(`${base}${path}`, { headers: bearer(owner) });
    expect(res.status).toBe(200);
    let newlines = 0;
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
    }
    return { newlines, bytes };
  }

  beforeAll(async () => {
    // Warm up outside the measurement: code loading, JIT, pool connections, and V8 sizing
    // its heap to the garbage rate of a long export (the first long run grows RSS by
    // ~80 MiB of collectable garbage whichever format goes first; later runs do not).
    await download('/audit/export?format=csv');
  }, 60_000);

  it.each(['csv', 'jsonl'] as const)('streams %s with every row while RSS grows by a bounded amount', async (format) => {
    gc();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const { newlines, bytes } = await download(`/audit/export?format=${format}`);
    clearInterval(sampler);
    const growthMb = (peak - before) / 2 ** 20;
    process.stdout.write(`export ${format}: ${newlines} lines, ${(bytes / 2 ** 20).toFixed(1)} MiB streamed, RSS growth ${growthMb.toFixed(1)} MiB\n`);
    expect(newlines).toBe(format === 'csv' ? ROWS + 1 : ROWS);
    // A buffered export would hold the whole body (50-70 MiB) plus its row objects.
    expect(growthMb).toBeLessThan(32);
  }, 60_000);
});

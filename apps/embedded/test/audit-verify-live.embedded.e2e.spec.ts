import { randomUUID } from 'node:crypto';
import { exampleEvents, policyViolatedTopic } from '@llmgov/events';
import { waitFor } from '@llmgov/testing';
import { call } from './harness/admin';
import { useEmbedded } from './harness/embedded';

const ORG = 'org_verify_embedded';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Issue 17 item 7 in the embedded mode: verify reads one snapshot while PGlite takes appends. */
describe('GET /audit/verify while the chain grows — embedded mode (in-process bus, PGlite)', () => {
  const e = useEmbedded();
  const verify = async () => {
    const res = await call(`${e.base}/audit/verify?org_id=${ORG}`, { key: e.bootstrapKey });
    expect(res.status).toBe(200);
    return res.body.data as { ok: boolean; checked: number; first_broken: number | null };
  };
  const violation = () => {
    const event = { ...structuredClone(exampleEvents['policy.violated']), id: randomUUID() };
    event.data.org_id = ORG;
    return event;
  };

  it('answers ok:true every time while events are being ingested', async () => {
    const bursts = 20;
    let publishing = true;
    const ingest = (async () => {
      try {
        for (let b = 0; b < bursts; b++) {
          await e.embedded.bus.publishBatch(
            policyViolatedTopic,
            Array.from({ length: 15 }, violation),
          );
          await sleep(100);
        }
      } finally {
        publishing = false;
      }
    })();
    const verdicts: { ok: boolean; checked: number }[] = [];
    while (publishing || (await verify()).checked < bursts * 15) {
      verdicts.push(await verify());
      await sleep(10);
    }
    await ingest;
    expect(new Set(verdicts.map((v) => v.checked)).size).toBeGreaterThan(5);
    expect(verdicts.filter((v) => !v.ok)).toEqual([]);
    await waitFor(async () =>
      expect(await verify()).toEqual({ ok: true, checked: bursts * 15, first_broken: null }),
    );
  }, 120_000);
});

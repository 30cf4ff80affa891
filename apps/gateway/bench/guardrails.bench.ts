/**
 * `npm run bench guardrails [n]`: the scanners (steps 10–12) per request, in-process, with
 * no remote guardrail, with a webhook guardrail on localhost (every text new: one HTTP call
 * each) and with the same text again (answered from the cache). Prints p50 / p99 in ms.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { remoteGuardrail } from '@llmgov/policy-schema';
import type { ChainContext } from '@llmgov/chain';
import { chat, prepared, testPolicy } from '../src/chain/testing/chain-fixture';
import { piiScanStep } from '../src/chain/steps/pii-scan.step';
import { contentSafetyStep } from '../src/chain/steps/content-safety.step';
import { securityScanStep } from '../src/chain/steps/security-scan.step';

const n = Number(process.argv[2] ?? 2000);
const TEXT = 'Please summarise the quarterly report for the board, in three bullet points. ';

async function scan(ctx: ChainContext): Promise<void> {
  for (const step of [piiScanStep, contentSafetyStep, securityScanStep]) {
    const v = await step.run(ctx);
    if (v.kind === 'redact') ctx.request = v.request;
  }
}

async function measure(label: string, make: (i: number) => ChainContext): Promise<void> {
  for (let i = 0; i < 50; i++) await scan(make(-i - 1)); // warm-up
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const ctx = make(i);
    const t0 = performance.now();
    await scan(ctx);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  console.log(
    `${label.padEnd(44)} p50 ${at(0.5).toFixed(3)} ms  p99 ${at(0.99).toFixed(3)} ms  (n=${n})`,
  );
}

async function main(): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"action":"allow"}');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/check`;
  const local = testPolicy();
  const remote = testPolicy({
    settings: {
      remote_guardrails: [remoteGuardrail.parse({ name: 'hook', kind: 'webhook', url })],
    },
  });
  const text = (i: number) => `${TEXT.repeat(12)} #${i}`; // ~1 KB
  await measure('local detectors only (1 KB)', (i) =>
    prepared({ policy: local, request: chat(text(i)) }),
  );
  await measure('+ webhook on localhost, new text (1 KB)', (i) =>
    prepared({ policy: remote, request: chat(text(i)) }),
  );
  await measure('+ webhook on localhost, cached text (1 KB)', () =>
    prepared({ policy: remote, request: chat(text(0)) }),
  );
  server.close();
}

void main();

// Requests per second and median latency of each inbound API through one gateway (in-process
// bus, mock provider, non-streamed), so the cost of the translations next to chat completions shows.
//   node_modules/node/bin/node -r ./tools/register.cjs apps/gateway/bench/api-routes.bench.ts [requests per route]
import { startGateway } from '../test/gateway-harness';

const perRoute = Number(process.argv[2] ?? 4000);
const concurrency = 16;

const routes: [string, string, unknown][] = [
  [
    'chat completions',
    '/v1/chat/completions',
    {
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'hello bench, how are you today?' }],
    },
  ],
  [
    'messages (Anthropic)',
    '/v1/messages',
    {
      model: 'mock/echo',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hello bench, how are you today?' }],
    },
  ],
  [
    'responses',
    '/v1/responses',
    { model: 'mock/echo', instructions: 'Be brief.', input: 'hello bench, how are you today?' },
  ],
  [
    'completions (legacy)',
    '/v1/completions',
    { model: 'mock/echo', prompt: 'hello bench, how are you today?' },
  ],
  [
    'embeddings',
    '/v1/embeddings',
    { model: 'mock/embed', input: ['hello bench, how are you today?'] },
  ],
];

async function main(): Promise<void> {
  const gw = await startGateway('in-process');
  const t = await gw.tenant({
    plan: 'enterprise',
    settings: { key_rpm: null, rate_limit_rpm: null, daily_budget_usd: null },
  });
  for (const [name, path, body] of routes) {
    const payload = JSON.stringify(body);
    const send = async () => {
      const res = await fetch(`${gw.base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.secret}` },
        body: payload,
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    };
    for (let i = 0; i < 200; i++) await send(); // warm-up
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < perRoute) {
          const t0 = performance.now();
          await send();
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const ms = performance.now() - started;
    latencies.sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length / 2)]!;
    const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
    console.log(
      `${name.padEnd(22)} ${Math.round((perRoute * 1000) / ms)
        .toString()
        .padStart(6)} req/s   p50 ${p50.toFixed(2)} ms   p99 ${p99.toFixed(2)} ms`,
    );
  }
  await gw.close();
}

void main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

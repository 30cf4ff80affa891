// Closed-loop HTTP load for the embedded benches, in a process of its own (so its CPU is not
// the server's): `concurrency` connections (keep-alive) each POST the body, await the answer
// and POST again, for `seconds`. Prints a JSON line every second with the answers so far by
// status class, and a last one with `done: true`. Node's own http client: no dependency.
//   node apps/embedded/bench/http-load.mjs <url> <bearer key> <concurrency> <seconds> <json body>
import http from 'node:http';

const [url, key, concurrencyArg, secondsArg, body] = process.argv.slice(2);
const concurrency = Number(concurrencyArg);
const until = performance.now() + Number(secondsArg) * 1000;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);
const payload = Buffer.from(body);
const counts = { ok: 0, refused: 0, failed: 0, errors: 0 };

const once = () =>
  new Promise((resolve) => {
    const req = http.request(
      {
        agent,
        hostname: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': payload.length,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const s = res.statusCode ?? 0;
          counts[s < 300 ? 'ok' : s < 500 ? 'refused' : 'failed']++;
          resolve();
        });
      },
    );
    req.on('error', () => {
      counts.errors++;
      resolve();
    });
    req.end(payload);
  });

const worker = async () => {
  while (performance.now() < until) await once();
};
const report = (done) => process.stdout.write(`${JSON.stringify({ ...counts, done })}\n`);
const timer = setInterval(() => report(false), 1000);
await Promise.all(Array.from({ length: concurrency }, worker));
clearInterval(timer);
report(true);
agent.destroy();

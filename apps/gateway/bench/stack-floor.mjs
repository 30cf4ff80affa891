// The gateway's stack with no governance: a Fastify route that parses the request body, sends
// it on through an undici Pool and parses the answer before replying with it, as the gateway's
// forward path does. Beside the bare node:http floor (../shared/bench/peers/ref-proxy.mjs) it
// tells what the chosen HTTP stack costs by itself (docs/benchmarks.md, round 10).
//   node apps/gateway/bench/stack-floor.mjs <port> <upstream port>
// then load it like any target of the peer bench (wrk-post.lua at /v1/chat/completions).
import Fastify from 'fastify';
import { Pool } from 'undici';

const [port = '18096', upstream = '18080'] = process.argv.slice(2);
const pool = new Pool(`http://127.0.0.1:${upstream}`, { connections: 128 });
const app = Fastify({ logger: false });

app.post('/v1/chat/completions', async (req, reply) => {
  const res = await pool.request({
    path: '/v1/chat/completions',
    method: 'POST',
    body: JSON.stringify(req.body),
    headers: {
      'content-type': 'application/json',
      authorization: req.headers.authorization ?? '',
    },
  });
  const answer = await res.body.json();
  reply.code(res.statusCode).header('content-type', 'application/json');
  return JSON.stringify(answer);
});

await app.listen({ port: Number(port), host: '127.0.0.1' });
console.log(`stack floor on http://127.0.0.1:${port}, upstream :${upstream}`);

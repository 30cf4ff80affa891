// Policy publish → enforced at the gateway, on real Kafka + Postgres (issue 3's benchmark).
// The registry and a gateway run as separate apps with their own Kafka clients; each change is
// a `PUT /gateway/admin/governance/policy` (a new version), timed from the moment the registry
// answered until the gateway's `POST /v1/governance/explain` names that version.
//   npm run bench publish            (provisions Kafka and Postgres like npm test)
import { startDistributed } from '../test/harness/distributed';
import { call, OrgAdmin } from '../test/harness/admin';

const CHANGES = Number(process.argv[2] ?? 200);

async function enforcedVersion(gateway: string, key: string): Promise<number> {
  const res = await call(`${gateway}/v1/governance/explain`, {
    key,
    body: { model: 'mock/echo', messages: [{ role: 'user', content: 'ping' }] },
  });
  return res.status === 200 ? Number(res.body.policy?.policy_version ?? 0) : 0;
}

async function untilVersion(
  gateway: string,
  key: string,
  version: number,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await enforcedVersion(gateway, key)) < version) {
    if (Date.now() > deadline)
      throw new Error(`version ${version} not enforced within ${timeoutMs} ms`);
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main(): Promise<void> {
  const env = await startDistributed({ approvals: false, audit: false, gateways: 1 });
  try {
    const gateway = env.gateways[0].url;
    const org = await OrgAdmin.create(env.registry.url, env.bootstrapKey, { plan: 'enterprise' });
    const { key } = await org.key({ kind: 'gateway', name: 'bench' });
    let version = await org.activeVersion();
    await untilVersion(gateway, key, version);

    const latencies: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      await org.settings({ rate_limit_rpm: 10_000 + i });
      version++;
      const published = performance.now();
      await untilVersion(gateway, key, version);
      latencies.push(performance.now() - published);
    }
    const active = await org.activeVersion();
    if (active !== version)
      throw new Error(`expected active version ${version}, registry says ${active}`);

    latencies.sort((a, b) => a - b);
    const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
    process.stdout.write(
      `publish → enforced at the gateway over ${CHANGES} changes (Kafka, Postgres, outbox relay):\n` +
        `  p50 ${fmt(percentile(latencies, 50))}  p90 ${fmt(percentile(latencies, 90))}  p99 ${fmt(percentile(latencies, 99))}  max ${fmt(latencies[latencies.length - 1])}\n`,
    );
  } finally {
    await env.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DemoCredentials {
  org_id: string;
  admin_key: string;
  gateway_key: string;
}

/**
 * The demo org of the embedded mode, created once through the product's own admin routes
 * (as a user would) and kept in DATA_DIR/demo.json so restarts print the same keys.
 * The file holds secrets: it lives in the local data directory, never in logs or events.
 */
export async function ensureDemo(
  baseUrl: string,
  bootstrapKey: string,
  dataDir: string,
): Promise<DemoCredentials> {
  const file = join(dataDir, 'demo.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
  const call = async (path: string, key: string, body: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as {
      success: boolean;
      data: Record<string, string>;
      error?: unknown;
    };
    if (!res.ok || !json.success)
      throw new Error(
        `demo setup: POST ${path} answered ${res.status} ${JSON.stringify(json.error)}`,
      );
    return json.data;
  };
  const org = await call('/governance/orgs', bootstrapKey, { name: 'Demo', plan: 'growth' });
  const owner = await call('/governance/keys', bootstrapKey, {
    kind: 'admin',
    role: 'owner',
    name: 'demo-owner',
    org_id: org.id,
  });
  const gateway = await call('/governance/keys', owner.key, {
    kind: 'gateway',
    name: 'demo-agent-key',
  });
  const demo: DemoCredentials = { org_id: org.id, admin_key: owner.key, gateway_key: gateway.key };
  writeFileSync(file, JSON.stringify(demo, null, 2), { mode: 0o600 });
  return demo;
}

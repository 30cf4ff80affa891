import { waitFor } from '@llmgov/testing';

/** A JSON answer: status, headers and the parsed body (null when empty). */
export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** One HTTP call with an optional bearer key and JSON body (POST when a body is given). */
export async function call<T = any>(
  url: string,
  init: { method?: string; key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<JsonResponse<T>> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/** `call`, expecting a 2xx `{success: true, data}` answer; returns `data`. */
export async function admin<T = any>(
  url: string,
  key: string,
  body?: unknown,
  method?: string,
): Promise<T> {
  const res = await call(url, { key, body, method });
  if (res.status >= 300 || res.body?.success !== true)
    throw new Error(
      `${method ?? (body === undefined ? 'GET' : 'POST')} ${url} → ${res.status} ${JSON.stringify(res.body)}`,
    );
  return res.body.data as T;
}

export interface Org {
  orgId: string;
  /** The org's owner admin key (msh_…). */
  ownerKey: string;
}

/** Registry routes for one org, through its owner key. */
export class OrgAdmin {
  constructor(
    readonly registry: string,
    readonly org: Org,
  ) {}

  /** `POST /governance/orgs` with the platform owner key, then the org's first owner key. */
  static async create(
    registry: string,
    bootstrapKey: string,
    input: { name?: string; plan?: string } = {},
  ): Promise<OrgAdmin> {
    const org = await admin<{ id: string }>(`${registry}/governance/orgs`, bootstrapKey, {
      name: input.name ?? 'E2E Inc',
      plan: input.plan ?? 'growth',
    });
    const owner = await admin<{ key: string }>(`${registry}/governance/keys`, bootstrapKey, {
      kind: 'admin',
      role: 'owner',
      org_id: org.id,
    });
    return new OrgAdmin(registry, { orgId: org.id, ownerKey: owner.key });
  }

  get orgId(): string {
    return this.org.orgId;
  }

  /** `POST /governance/keys` → `{id, key}` (the secret, shown once). */
  async key(
    body:
      | { kind: 'gateway'; team_id?: string; agent_id?: string; name?: string }
      | { kind: 'admin'; role: string; name?: string },
  ): Promise<{ id: string; key: string }> {
    return admin(`${this.registry}/governance/keys`, this.org.ownerKey, body);
  }

  async agent(name: string, environment: string): Promise<string> {
    return (
      await admin<{ id: string }>(`${this.registry}/governance/agents`, this.org.ownerKey, {
        name,
        environment,
      })
    ).id;
  }

  /** `PUT /gateway/admin/governance/policy` (partial settings) → the new settings. */
  async settings(patch: Record<string, unknown>): Promise<Record<string, unknown>> {
    return admin(
      `${this.registry}/gateway/admin/governance/policy`,
      this.org.ownerKey,
      patch,
      'PUT',
    );
  }

  /** `POST /governance/policies` → the rule id. */
  async rule(
    policy_type: string,
    config: Record<string, unknown>,
    scope: Record<string, unknown> = { scope: 'global' },
  ): Promise<string> {
    return (
      await admin<{ id: string }>(`${this.registry}/governance/policies`, this.org.ownerKey, {
        name: `${policy_type} e2e`,
        policy_type,
        config,
        enabled: true,
        ...scope,
      })
    ).id;
  }

  /** `GET /api/v1/policies/active` → the active version number. */
  async activeVersion(): Promise<number> {
    return (
      await admin<{ policy_version: number }>(
        `${this.registry}/api/v1/policies/active`,
        this.org.ownerKey,
      )
    ).policy_version;
  }

  /**
   * Waits until every gateway enforces the org's active version and knows the key:
   * `POST /v1/governance/explain` (counts nothing, calls no provider) names the version.
   */
  async untilEnforced(gateways: readonly string[], gatewayKey: string): Promise<number> {
    const version = await this.activeVersion();
    for (const gateway of gateways) {
      await waitFor(
        async () => {
          const res = await call(`${gateway}/v1/governance/explain`, {
            key: gatewayKey,
            body: { model: 'mock/echo', messages: [{ role: 'user', content: 'ping' }] },
          });
          expect(res.status).toBe(200);
          expect(res.body.policy?.policy_version).toBeGreaterThanOrEqual(version);
        },
        { timeoutMs: 20_000, intervalMs: 100 },
      );
    }
    return version;
  }
}

/** `POST /v1/chat/completions` with a gateway key and extra headers. */
export const chat = (
  gateway: string,
  key: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) => call(`${gateway}/v1/chat/completions`, { key, body, headers });

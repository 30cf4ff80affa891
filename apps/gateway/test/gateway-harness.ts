import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  agentReviewsTopic,
  approvalsTopic,
  policyTopic,
  policyViolatedTopic,
  requestsTopic,
  tenancyTopic,
  type EventOf,
  type TopicDescriptor,
} from '@llmgov/events';
import { createEventBus, type EventBus, type Subscription } from '@llmgov/messaging';
import {
  DEFAULT_DEPLOYER,
  PLAN_DEFAULTS,
  canonicalBytes,
  digestOf,
  type DeployerPolicy,
  type GovernanceSettings,
  type Plan,
  type PolicyDocument,
  type PolicyRule,
} from '@llmgov/policy-schema';
import {
  HealthModule,
  createServiceApp,
  hashSecret,
  newId,
  newSecret,
  systemClock,
} from '@llmgov/service-kit';
import { createLogger } from '@llmgov/telemetry';
import { kafkaBrokers, testTopicPrefix, waitFor } from '@llmgov/testing';
import { GatewayModule, GatewayService, type GatewayOptions } from '../src';

const system = { kind: 'system' as const, id: 'test' };
const env = <T extends string>(type: T, subject: string) => ({
  id: randomUUID(),
  type,
  source: '/test',
  time: new Date().toISOString(),
  subject,
});

export interface Tenant {
  orgId: string;
  keyId: string;
  secret: string;
  agentId: string;
  /** A key bound to the agent. */
  agentSecret: string;
}

export interface PolicyInput {
  plan?: Plan;
  settings?: Partial<GovernanceSettings>;
  rules?: PolicyRule[];
  deployer?: Partial<DeployerPolicy>;
  version?: number;
  /** Sign with a key other than the declared one (verification must fail). */
  tamper?: boolean;
}

const signer = generateKeyPairSync('ed25519');
const signerKey = signer.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

/** A `policy.published` event for an org: the document from PLAN_DEFAULTS, digested and signed with the canonical helpers. */
export function publishedPolicy(
  orgId: string,
  input: PolicyInput = {},
): EventOf<typeof policyTopic> {
  const plan = input.plan ?? 'growth';
  const document: PolicyDocument = {
    org_id: orgId,
    plan,
    settings: { ...PLAN_DEFAULTS[plan], ...input.settings },
    rules: input.rules ?? [],
    deployer: { ...DEFAULT_DEPLOYER, ...input.deployer, required_signers: 1 },
    exceptions: [],
  };
  const content = {
    org_id: orgId,
    policy_id: `pdoc_${orgId.slice(4)}`,
    policy_version: input.version ?? 1,
    effective_date: '2026-04-01T00:00:00.000Z',
    document,
  };
  const signature = sign(
    null,
    canonicalBytes(
      input.tamper ? { ...content, policy_version: content.policy_version + 100 } : content,
    ),
    signer.privateKey,
  ).toString('base64');
  return {
    ...env('policy.published', orgId),
    data: {
      ...content,
      version_id: newId('pv'),
      status: 'active',
      digest: digestOf(content),
      signatures: [
        {
          signer: 'alice@example.com',
          signer_key_id: 'sk1',
          signature,
          signed_at: '2026-04-01T00:00:00.000Z',
        },
      ],
      required_signers: 1,
      signer_keys: { sk1: signerKey },
      document,
      actor: system,
    },
  };
}

export function tenancyEvents(t: Tenant, plan: Plan): EventOf<typeof tenancyTopic>[] {
  const at = '2026-01-01T00:00:00.000Z';
  const key = (
    keyId: string,
    secret: string,
    agent: string | null,
  ): EventOf<typeof tenancyTopic> => ({
    ...env('key.created', t.orgId),
    data: {
      org_id: t.orgId,
      key_id: keyId,
      kind: 'gateway',
      role: null,
      platform_owner: false,
      team_id: null,
      agent_id: agent,
      name: null,
      key_hash: hashSecret(secret),
      prefix: secret.slice(0, 7),
      created_at: at,
      actor: system,
    },
  });
  return [
    {
      ...env('org.created', t.orgId),
      data: { org_id: t.orgId, name: 'Test org', plan, created_at: at, actor: system },
    },
    {
      ...env('agent.created', t.orgId),
      data: {
        org_id: t.orgId,
        agent_id: t.agentId,
        team_id: null,
        name: 'bot',
        environment: 'production',
        created_at: new Date().toISOString(),
        actor: system,
      },
    },
    key(t.keyId, t.secret, null),
    key(newId('key'), t.agentSecret, t.agentId),
  ];
}

export const newTenant = (): Tenant => ({
  orgId: newId('org'),
  keyId: newId('key'),
  secret: newSecret('gk'),
  agentId: newId('agt'),
  agentSecret: newSecret('gk'),
});

/** Every log line the gateway wrote, for the no-secrets check. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(chunk.toString('utf8'));
    done();
  }
}

export interface GatewayHarness {
  app: NestFastifyApplication;
  base: string;
  bus: EventBus;
  service: GatewayService;
  logs: LogCapture;
  publish<T extends TopicDescriptor>(topic: T, events: EventOf<T>[]): Promise<void>;
  /** Creates an org with keys and an active policy, and waits until the gateway enforces it. */
  tenant(input?: PolicyInput): Promise<Tenant>;
  /** Events seen on a topic since the harness started. */
  seen<T extends TopicDescriptor>(topic: T): EventOf<T>[];
  close(): Promise<void>;
}

/** Starts the gateway module alone (plus /health) on 127.0.0.1:0 over the given bus kind. */
export async function startGateway(
  kind: 'in-process' | 'kafka',
  providerEnv: Record<string, string | undefined> = {},
  approvalServiceUrl: string | null = null,
  topicPrefix: string = testTopicPrefix(),
  /** A fixed replica id, as a pod name that survives a restart (default: a fresh one). */
  replicaId: string = newId('replica'),
  /** Gateway options (deadlines) and the HTTP server's request timeout, for the bounded-request tests. */
  options: { gateway?: Partial<GatewayOptions>; requestTimeoutMs?: number } = {},
): Promise<GatewayHarness> {
  const bus =
    kind === 'kafka'
      ? createEventBus({
          kind: 'kafka',
          brokers: kafkaBrokers(),
          clientId: `gw-test-${randomUUID().slice(0, 6)}`,
          topicPrefix,
        })
      : createEventBus({ kind: 'in-process' });
  const logs = new LogCapture();
  const logger = createLogger({ service: 'gateway', level: 'debug', destination: logs });

  const runtime = {
    bus,
    databaseUrl: '',
    replicaId,
    clock: systemClock,
    jwt: {},
    providerEnv,
    approvalServiceUrl,
  };
  const gateway = GatewayModule.forRoot({
    ...runtime,
    logger,
    eventValidation: 'schema',
    ...options.gateway,
  });
  @Module({ imports: [HealthModule, gateway] })
  class RootModule {}

  const requestTimeoutMs = options.requestTimeoutMs;
  const app = await createServiceApp(RootModule, {
    name: 'gateway',
    logger: false,
    requestTimeoutMs,
  });
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const service = app.get(GatewayService);
  const recorded = new Map<string, unknown[]>();
  const subs: Subscription[] = [];

  for (const topic of [policyViolatedTopic, requestsTopic, approvalsTopic] as TopicDescriptor[]) {
    recorded.set(topic.name, []);
    subs.push(
      await bus.subscribe({
        topic,
        group: `recorder-${topic.name}-${randomUUID().slice(0, 6)}`,
        fromBeginning: true,
        handler: async (e) => void recorded.get(topic.name)!.push(e),
      }),
    );
  }
  const harness: GatewayHarness = {
    app,
    base,
    bus,
    service,
    logs,
    publish: (topic, events) => bus.publishBatch(topic, events),
    async tenant(input = {}) {
      const t = newTenant();
      await bus.publishBatch(tenancyTopic, tenancyEvents(t, input.plan ?? 'growth'));
      await bus.publish(policyTopic, publishedPolicy(t.orgId, input));
      await waitFor(
        () => {
          if (
            !service.views.policies.active(t.orgId) ||
            !service.views.tenancy.keyBySecret(t.agentSecret)
          )
            throw new Error('views not loaded yet');
        },
        { timeoutMs: 30_000 },
      );
      return t;
    },
    seen: <T extends TopicDescriptor>(topic: T) => (recorded.get(topic.name) ?? []) as EventOf<T>[],
    async close() {
      await Promise.all(subs.map((s) => s.close()));
      await app.close();
      await bus.close();
    },
  };
  void agentReviewsTopic;
  return harness;
}

/** A fake OpenAI-compatible upstream on 127.0.0.1 that records requests and answers as the test says. */
export interface FakeUpstream {
  url: string;
  requests: Record<string, unknown>[];
  /** The path of each request, in order. */
  paths: string[];
  /** Next answers: a JSON completion, or SSE chunks (strings are sent as `data:` lines, in order, each flushed). */
  answer: (req: Record<string, unknown>) => {
    status?: number;
    json?: unknown;
    sse?: unknown[];
    delayMs?: number;
  };
  close(): Promise<void>;
}

export async function fakeUpstream(): Promise<FakeUpstream> {
  const fake: FakeUpstream = {
    url: '',
    requests: [],
    paths: [],
    answer: () => ({ json: {} }),
    close: async () => {},
  };
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    fake.requests.push(body);
    fake.paths.push(req.url ?? '');
    const a = fake.answer(body);
    if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
    if (a.sse) {
      res.writeHead(a.status ?? 200, { 'content-type': 'text/event-stream' });
      for (const event of a.sse) {
        res.write(`data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`);
        await new Promise((r) => setTimeout(r, 5));
      }
      res.end('data: [DONE]\n\n');
      return;
    }
    res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(a.json));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () => new Promise((r) => server.close(() => r()));
  return fake;
}

export const completion = (content: string | null, extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-fake',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content, ...extra },
      finish_reason: extra.tool_calls ? 'tool_calls' : 'stop',
    },
  ],
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
});

export const chunk = (content: string | null, finish: string | null = null) => ({
  id: 'chatcmpl-fake',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }],
});

/** A policy rule of the given type (global scope unless `scope` says otherwise). */
export const rule = (
  policy_type: string,
  config: Record<string, unknown>,
  scope: Record<string, string | null> = {},
) =>
  ({
    id: `pol_${policy_type}_${Math.random().toString(36).slice(2, 8)}`,
    name: `${policy_type} rule`,
    description: null,
    policy_type,
    config,
    scope: 'global',
    team_id: null,
    agent_id: null,
    key_id: null,
    enabled: true,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    ...scope,
  }) as never;

/** A gateway and what the inbound API tests use: fake OpenAI and Anthropic upstreams, a growth tenant. */
export interface TwoUpstreams {
  gw: GatewayHarness;
  openai: FakeUpstream;
  anthropic: FakeUpstream;
  t: Tenant;
}

/** Starts a `TwoUpstreams` before the block's tests and closes it after them. */
export function useTwoUpstreams(kind: 'in-process' | 'kafka'): TwoUpstreams {
  const s = {} as TwoUpstreams;
  beforeAll(async () => {
    s.openai = await fakeUpstream();
    s.anthropic = await fakeUpstream();
    s.gw = await startGateway(kind, {
      OPENAI_API_KEY: 'sk-upstream-test-key-000000000000',
      OPENAI_BASE_URL: s.openai.url,
      ANTHROPIC_API_KEY: 'sk-ant-test-0000000000000000000000',
      ANTHROPIC_BASE_URL: s.anthropic.url.replace(/\/v1$/, ''),
    });
    s.t = await s.gw.tenant({ plan: 'growth' });
  });
  afterAll(async () => {
    await s.gw?.close();
    await s.openai?.close();
    await s.anthropic?.close();
  });
  return s;
}

/** The `request.completed` event of a request, once the gateway has published it. */
export const completedEvent = (gw: GatewayHarness, requestId: string | null) =>
  waitFor(() => {
    const e = gw
      .seen(requestsTopic)
      .find((x) => x.type === 'request.completed' && x.data.request_id === requestId);
    if (!e || e.type !== 'request.completed') throw new Error('not yet');
    return e;
  });

/** The governance headers every governed answer carries. */
export const GOVERNANCE_HEADERS = [
  'x-governance-time-ms',
  'x-cost-usd',
  'x-policy-version',
  'ratelimit-limit',
] as const;

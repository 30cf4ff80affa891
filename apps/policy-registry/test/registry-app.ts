import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createEventBus, type EventBus } from '@llmgov/messaging';
import { HealthModule, createServiceApp, newSecret, systemClock } from '@llmgov/service-kit';
import { kafkaBrokers, testSchema, testTopicPrefix, type TestSchema } from '@llmgov/testing';
import { PolicyRegistryModule } from '../src';

export type BusKind = 'in-process' | 'kafka';

export interface RegistryHarness {
  app: NestFastifyApplication;
  bus: EventBus;
  bootstrapKey: string;
  schema: TestSchema;
  call(
    method: string,
    url: string,
    key: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/** The registry alone over HTTP (Fastify inject), on its own schema and topic prefix. */
export async function startRegistry(
  kind: BusKind,
  existing?: { schema: TestSchema; bootstrapKey: string },
): Promise<RegistryHarness> {
  const schema = existing?.schema ?? (await testSchema('registry'));
  const bootstrapKey = existing?.bootstrapKey ?? newSecret('msh');
  const bus =
    kind === 'kafka'
      ? createEventBus({
          kind: 'kafka',
          brokers: kafkaBrokers(),
          clientId: 'registry-test',
          topicPrefix: testTopicPrefix(),
        })
      : createEventBus({ kind: 'in-process' });
  @Module({
    imports: [
      HealthModule,
      PolicyRegistryModule.forRoot({
        bus,
        databaseUrl: schema.url,
        schema: schema.name,
        replicaId: 'test',
        clock: systemClock,
        jwt: { secret: 'test-secret-test-secret-test-secret' },
        bootstrapAdminKey: bootstrapKey,
        poolSize: 4,
      }),
    ],
  })
  class RootModule {}
  const app = await createServiceApp(RootModule, { name: 'policy-registry', logger: ['error'] });
  return {
    app,
    bus,
    bootstrapKey,
    schema,
    async call(method, url, key, body) {
      const res = await app
        .getHttpAdapter()
        .getInstance()
        .inject({
          method: method as 'GET',
          url,
          headers: {
            authorization: `Bearer ${key}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          payload: body === undefined ? undefined : JSON.stringify(body),
        });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
    },
    async stop() {
      await app.close();
      await bus.close();
    },
  };
}

/** An org with an owner key, created through the routes as a user would. */
export async function givenOrg(h: RegistryHarness, plan = 'starter', name = 'Acme') {
  const org = await h.call('POST', '/governance/orgs', h.bootstrapKey, { name, plan });
  const owner = await h.call('POST', '/governance/keys', h.bootstrapKey, {
    kind: 'admin',
    role: 'owner',
    org_id: org.body.data.id,
  });
  return { orgId: org.body.data.id as string, ownerKey: owner.body.data.key as string };
}

import { Module, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { tenancyTopic } from '@llmgov/events';
import { createEventBus, silentLogger, type EventBus } from '@llmgov/messaging';
import {
  createServiceApp,
  HealthModule,
  hashSecret,
  newSecret,
  systemClock,
  type Clock,
} from '@llmgov/service-kit';
import { kafkaBrokers, testSchema, testTopicPrefix, type TestSchema } from '@llmgov/testing';
import { AuditModule, type AuditModuleOptions } from '../src';

export interface AuditHarness {
  app: NestFastifyApplication;
  bus: EventBus;
  schema: TestSchema;
  close(): Promise<void>;
}

/** The audit service on a real Kafka (own topic prefix) and Postgres (own schema), not listening. */
export async function startAudit(
  options: Partial<AuditModuleOptions> & { clock?: Clock; inProcessBus?: boolean } = {},
): Promise<AuditHarness> {
  const schema = await testSchema('audit');
  const { inProcessBus, ...moduleOptions } = options;
  const bus = inProcessBus
    ? createEventBus({ kind: 'in-process', logger: silentLogger })
    : createEventBus({
        kind: 'kafka',
        brokers: kafkaBrokers(),
        clientId: `audit-test-${randomUUID().slice(0, 8)}`,
        topicPrefix: testTopicPrefix(),
        logger: silentLogger,
      });

  @Module({})
  class RootModule {
    static forRoot(): DynamicModule {
      return {
        module: RootModule,
        imports: [
          HealthModule,
          AuditModule.forRoot({
            bus,
            databaseUrl: schema.url,
            schema: schema.name,
            replicaId: randomUUID(),
            clock: systemClock,
            jwt: { secret: 'test-secret-test-secret-test-secret' },
            retentionIntervalMs: 0,
            ...moduleOptions,
          }),
        ],
      };
    }
  }
  const app = await createServiceApp(RootModule.forRoot(), { name: 'audit', logger: false });
  return {
    app,
    bus,
    schema,
    close: async () => {
      await app.close();
      await bus.close();
      await schema.cleanup();
    },
  };
}

/** Issues an admin key through the tenancy topic (as the registry would) and answers its secret. */
export async function adminKey(
  bus: EventBus,
  orgId: string | null,
  role: 'owner' | 'admin' | 'viewer' = 'owner',
): Promise<string> {
  const secret = newSecret('msh');
  const now = new Date().toISOString();
  await bus.publish(tenancyTopic, {
    id: randomUUID(),
    type: 'key.created',
    source: '/test',
    time: now,
    subject: orgId ?? 'platform',
    data: {
      org_id: orgId,
      key_id: `key_${randomUUID().slice(0, 8)}`,
      kind: 'admin',
      role,
      platform_owner: orgId === null,
      team_id: null,
      agent_id: null,
      name: 'test',
      key_hash: hashSecret(secret),
      prefix: secret.slice(0, 7),
      created_at: now,
      actor: { kind: 'system', id: 'test' },
    },
  });
  return secret;
}

export const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

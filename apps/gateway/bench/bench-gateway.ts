// Starts the gateway alone for the peer benchmark (/work/shared/bench/peers/run.sh): in-process
// bus, one enterprise org (the full chain runs; no rate or budget limits to hit), its OpenAI
// provider pointed at OPENAI_BASE_URL. Prints `KEY=<gk_…>` once ready.
//   OPENAI_BASE_URL=http://127.0.0.1:18080/v1 OPENAI_API_KEY=sk-mock PORT=18090 node -r ./tools/register.cjs apps/gateway/bench/bench-gateway.ts
import { Module } from '@nestjs/common';
import { createEventBus } from '@llmgov/messaging';
import { policyTopic, tenancyTopic } from '@llmgov/events';
import { HealthModule, createServiceApp, newId, systemClock } from '@llmgov/service-kit';
import { GatewayModule, GatewayService } from '../src';
import { newTenant, publishedPolicy, tenancyEvents } from '../test/gateway-harness';

async function main(): Promise<void> {
  const bus = createEventBus({ kind: 'in-process' });
  @Module({ imports: [HealthModule, GatewayModule.forRoot({ bus, databaseUrl: '', replicaId: newId('replica'), clock: systemClock, jwt: {} })] })
  class RootModule {}
  const app = await createServiceApp(RootModule, { name: 'gateway', logger: ['error'] });
  await app.listen(Number(process.env.PORT ?? 18090), '127.0.0.1');
  const t = newTenant();
  await bus.publishBatch(tenancyTopic, tenancyEvents(t, 'enterprise'));
  await bus.publish(policyTopic, publishedPolicy(t.orgId, { plan: 'enterprise' }));
  const views = app.get(GatewayService).views;
  while (!views.policies.active(t.orgId) || !views.tenancy.keyBySecret(t.secret)) await new Promise((r) => setTimeout(r, 20));
  process.stdout.write(`KEY=${t.secret}\n`);
}

void main();

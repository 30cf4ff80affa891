import type { Provider } from '@nestjs/common';
import { OutboxRelay } from '@llmgov/eventstore';
import { InProcessEventBus } from '@llmgov/messaging';
import { serviceWiring } from './service-wiring';
import { AdminAuthModule } from '../auth/admin-auth.module';

const runtime = {
  bus: new InProcessEventBus(),
  databaseUrl: 'postgres://unused',
  replicaId: 'r1',
  clock: { now: () => new Date(0) },
  jwt: {},
};
const token = Symbol('DS');
const provided = (providers: Provider[]) =>
  providers.map((p) => (typeof p === 'function' ? p : p.provide));

describe('serviceWiring', () => {
  it('puts a service in its own schema unless the runtime names one', () => {
    const migrations = jest.fn(() => []);
    expect(serviceWiring({ service: 'budget-ledger', runtime, token, migrations }).schema).toBe(
      'budget_ledger',
    );
    expect(migrations).toHaveBeenLastCalledWith('budget_ledger');
    const own = serviceWiring({
      service: 'audit',
      runtime: { ...runtime, schema: 'audit_t1' },
      token,
      migrations,
    });
    expect(own.schema).toBe('audit_t1');
    expect(migrations).toHaveBeenLastCalledWith('audit_t1');
  });

  it('gives an event-sourced service an OutboxRelay and the audit sink none', () => {
    const migrations = () => [];
    const ledger = serviceWiring({ service: 'budget-ledger', runtime, token, migrations });
    const audit = serviceWiring({ service: 'audit', runtime, token, migrations });
    expect(provided(ledger.providers)).toEqual([token, OutboxRelay]);
    expect(provided(audit.providers)).toEqual([token]);
  });

  it('imports admin auth for the service', () => {
    const wiring = serviceWiring({ service: 'audit', runtime, token, migrations: () => [] });
    expect(wiring.imports.map((m) => m.module)).toEqual([AdminAuthModule]);
  });
});

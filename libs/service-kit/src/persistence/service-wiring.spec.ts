import type { Provider } from '@nestjs/common';
import { OutboxRelay } from '@llmgov/eventstore';
import { InProcessEventBus } from '@llmgov/messaging';
import {
  SERVICE_DATA_SOURCE,
  StatefulServiceModule,
  serviceModule,
  serviceWiring,
} from './service-wiring';
import { Readiness } from '../http/health';
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

describe('serviceModule', () => {
  class Ledger {}
  const OPTIONS = Symbol('OPTIONS');
  const own = { provide: 'own', useValue: 1 };

  it('provides the options, the wiring, the DataSource alias, then the parts in the schema', () => {
    const parts = jest.fn(() => ({ controllers: [Ledger], providers: [own], exports: ['own'] }));
    const module = serviceModule(
      Ledger,
      { service: 'budget-ledger', runtime, optionsToken: OPTIONS, token, migrations: () => [] },
      parts,
    );
    expect(parts).toHaveBeenCalledWith('budget_ledger');
    expect(module.module).toBe(Ledger);
    expect(module.imports?.map((m) => (m as { module: unknown }).module)).toEqual([
      AdminAuthModule,
    ]);
    expect(module.controllers).toEqual([Ledger]);
    expect(provided(module.providers ?? [])).toEqual([
      OPTIONS,
      token,
      OutboxRelay,
      SERVICE_DATA_SOURCE,
      'own',
    ]);
    expect(module.providers?.[0]).toEqual({ provide: OPTIONS, useValue: runtime });
    expect(module.providers?.[3]).toEqual({ provide: SERVICE_DATA_SOURCE, useExisting: token });
    expect(module.exports).toEqual(['own']);
  });
});

describe('StatefulServiceModule', () => {
  class Service extends StatefulServiceModule {
    constructor(readonly calls: string[]) {
      super('audit');
    }
    protected async start(): Promise<void> {
      this.calls.push('start');
    }
    protected async stop(): Promise<void> {
      this.calls.push('stop');
    }
  }
  const started = (calls: string[], readiness?: Readiness) => {
    const service = new Service(calls);
    const dataSource = {
      query: async () => calls.push('select 1'),
      destroy: async () => void calls.push('destroy'),
    };
    Object.assign(service, { dataSource, readiness });
    return service;
  };

  it('registers the database readiness check and starts the module', async () => {
    const calls: string[] = [];
    const readiness = new Readiness();
    await started(calls, readiness).onApplicationBootstrap();
    expect(calls).toEqual(['start']);
    expect((await readiness.status()).checks).toEqual({ accepting: true, 'audit.database': true });
    expect(calls).toEqual(['start', 'select 1']);
  });

  it('starts without readiness when the root module has none', async () => {
    const calls: string[] = [];
    await started(calls).onApplicationBootstrap();
    expect(calls).toEqual(['start']);
  });

  it('destroys the DataSource after the module stopped its parts', async () => {
    const calls: string[] = [];
    await started(calls).onModuleDestroy();
    expect(calls).toEqual(['stop', 'destroy']);
  });
});

import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { policyTopic, tenancyTopic } from '@llmgov/events';
import {
  CLOCK,
  Readiness,
  TenancyDirectory,
  hashSecret,
  type ServiceRuntime,
  registerDatabaseReadiness,
  serviceWiring,
} from '@llmgov/service-kit';
import { EventStore, OutboxRelay, accept } from '@llmgov/eventstore';
import { createKey } from './domain/tenancy.decide';
import { OrgRepository, PLATFORM_STREAM } from './persistence/org-repository';
import { OrgAccess } from './http/org-access';
import { TenancyController } from './http/tenancy.controller';
import { RulesController } from './http/rules.controller';
import { SettingsController } from './http/settings.controller';
import { VersionsController } from './http/versions.controller';
import { ExceptionsController } from './http/exceptions.controller';
import { SimulateController } from './http/simulate.controller';
import { ComplianceController } from './http/compliance.controller';
import {
  DECISION_INPUTS_PER_ORG,
  ProjectionsRepository,
} from './persistence/projections.repository';
import { ProjectionsConsumer } from './persistence/projections.consumer';
import { registryMigrationClasses } from './persistence/schema';

export interface PolicyRegistryOptions extends ServiceRuntime {
  /** BOOTSTRAP_ADMIN_KEY: a platform owner admin key with this secret is created once. */
  bootstrapAdminKey?: string;
  /** Postgres schema (default `policy_registry`; tests use their own). */
  schema?: string;
  /** Recorded decision inputs kept per org for shadow evaluation (default 10 000). */
  decisionInputsPerOrg?: number;
}

const OPTIONS = Symbol('POLICY_REGISTRY_OPTIONS');
const DATA_SOURCE = Symbol('POLICY_REGISTRY_DATA_SOURCE');

/** Starts the relay, folds the directory from the store, creates the bootstrap key; stops on destroy. */
@Injectable()
class RegistryLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(OPTIONS) private readonly options: PolicyRegistryOptions,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(OrgRepository) private readonly repo: OrgRepository,
    @Inject(Readiness) private readonly readiness: Readiness,
    @Inject(ProjectionsConsumer) private readonly consumer: ProjectionsConsumer,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    registerDatabaseReadiness(this.readiness, 'policy-registry', this.dataSource);
    await this.options.bus.ensureTopics([tenancyTopic, policyTopic]);
    await this.repo.rebuildDirectory();
    const secret = this.options.bootstrapAdminKey;
    if (secret) {
      await this.repo.execute(
        PLATFORM_STREAM,
        { kind: 'system', id: 'bootstrap' },
        (state, ctx) => {
          const exists = [...state.keys.values()].some((k) => k.key_hash === hashSecret(secret));
          return exists
            ? accept([])
            : createKey(
                state,
                { kind: 'admin', role: 'owner', name: 'bootstrap', secret },
                ctx,
                true,
              );
        },
      );
    }
    this.relay.start();
    await this.consumer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.consumer.stop();
    await this.relay.stop();
    await this.dataSource.destroy();
  }
}

/** The control plane: orgs, teams, agents, keys, and the one policy document per org. */
@Module({})
export class PolicyRegistryModule {
  static forRoot(options: PolicyRegistryOptions): DynamicModule {
    const directory = new TenancyDirectory();
    // The event store's tables (events, outbox, inbox: org streams, `platform` for platform
    // keys) and the registry's projections.
    const { schema, imports, providers } = serviceWiring({
      service: 'policy-registry',
      runtime: options,
      token: DATA_SOURCE,
      migrations: registryMigrationClasses,
      directory,
    });
    return {
      module: PolicyRegistryModule,
      imports,
      controllers: [
        TenancyController,
        RulesController,
        SettingsController,
        SimulateController,
        VersionsController,
        ExceptionsController,
        ComplianceController,
      ],
      providers: [
        { provide: OPTIONS, useValue: options },
        ...providers,
        {
          provide: OrgRepository,
          inject: [DATA_SOURCE],
          useFactory: (ds: DataSource) =>
            new OrgRepository(
              new EventStore(ds, schema, { clock: options.clock }),
              ds,
              directory,
              options.clock,
            ),
        },
        { provide: CLOCK, useValue: options.clock },
        {
          provide: ProjectionsRepository,
          inject: [DATA_SOURCE],
          useFactory: (ds: DataSource) =>
            new ProjectionsRepository(
              ds,
              schema,
              options.decisionInputsPerOrg ?? DECISION_INPUTS_PER_ORG,
            ),
        },
        {
          provide: ProjectionsConsumer,
          inject: [ProjectionsRepository],
          useFactory: (repo: ProjectionsRepository) => new ProjectionsConsumer(options.bus, repo),
        },
        OrgAccess,
        RegistryLifecycle,
      ],
      exports: [OrgRepository],
    };
  }
}

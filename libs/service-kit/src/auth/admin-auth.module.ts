import { DynamicModule, Inject, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { tenancyTopic } from '@llmgov/events';
import type { EventBus, Subscription } from '@llmgov/messaging';
import { TenancyDirectory } from './tenancy-directory';
import { JwtVerifier, type JwtConfig } from './jwt-verifier';
import { AdminAuthGuard } from './admin-auth.guard';
import { Readiness } from '../http/health';

export interface AdminAuthOptions {
  bus: EventBus;
  /** Service name; the directory's consumer group is `<service>.directory.<replicaId>`. */
  service: string;
  replicaId: string;
  jwt: JwtConfig;
  /** Use this directory instead of a new one (the registry shares the one it writes to). */
  directory?: TenancyDirectory;
}

const OPTIONS = Symbol('ADMIN_AUTH_OPTIONS');

/**
 * Admin authentication for a service: a TenancyDirectory folded from the tenancy topic
 * (every replica reads it all, from the beginning, so each has the full view), a JWT
 * verifier, and AdminAuthGuard. Import it once per service module.
 */
@Module({})
export class AdminAuthModule implements OnModuleInit, OnModuleDestroy {
  private subscription?: Subscription;

  constructor(
    @Inject(OPTIONS) private readonly options: AdminAuthOptions,
    @Inject(TenancyDirectory) private readonly directory: TenancyDirectory,
  ) {}

  static forRoot(options: AdminAuthOptions): DynamicModule {
    return {
      module: AdminAuthModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: TenancyDirectory, useValue: options.directory ?? new TenancyDirectory() },
        { provide: JwtVerifier, useValue: new JwtVerifier(options.jwt) },
        AdminAuthGuard,
      ],
      exports: [TenancyDirectory, JwtVerifier, AdminAuthGuard],
    };
  }

  async onModuleInit(): Promise<void> {
    this.subscription = await this.options.bus.subscribe({
      topic: tenancyTopic,
      group: `${this.options.service}.directory.${this.options.replicaId}`,
      fromBeginning: true,
      handler: async (event) => this.directory.apply(event),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.close();
  }
}

export { Readiness };

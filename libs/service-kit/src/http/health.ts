import { Controller, Get, Global, Inject, Injectable, Module, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** A named readiness check: true when this part can serve (policy loaded, bus reachable…). */
export type ReadinessCheck = () => boolean | Promise<boolean>;

/** Services register their readiness checks here; `/health/ready` answers 200 when all pass. */
@Injectable()
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private draining = false;

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** Marks the process as shutting down: readiness fails so load balancers stop sending. */
  drain(): void {
    this.draining = true;
  }

  async status(): Promise<{ ready: boolean; checks: Record<string, boolean> }> {
    const checks: Record<string, boolean> = { accepting: !this.draining };
    for (const [name, check] of this.checks) {
      try {
        checks[name] = await check();
      } catch {
        checks[name] = false;
      }
    }
    return { ready: Object.values(checks).every(Boolean), checks };
  }
}

@Controller('health')
export class HealthController {
  constructor(@Inject(Readiness) private readonly readiness: Readiness) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res() reply: FastifyReply) {
    const status = await this.readiness.status();
    void reply
      .status(status.ready ? 200 : 503)
      .send({ status: status.ready ? 'ready' : 'not_ready', checks: status.checks });
  }
}

/** `/health/live` and `/health/ready`; global so every service module can inject Readiness. */
@Global()
@Module({ controllers: [HealthController], providers: [Readiness], exports: [Readiness] })
export class HealthModule {}

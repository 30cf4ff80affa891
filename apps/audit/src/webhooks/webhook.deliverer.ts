import { Logger } from '@nestjs/common';
import { signWebhook } from './webhook-signature';
import { backoffMs } from './webhook-routing';
import type { DeliveryRow, WebhookStore } from './webhook.store';

export interface WebhookDeliveryOptions {
  /** HMAC secrets by name (`WEBHOOK_SECRET_<name>` of the environment). */
  secrets: ReadonlyMap<string, string>;
  /** Tries before the dead letter (default 6: the first and five retries). */
  maxAttempts: number;
  /** First retry delay; doubled each retry (default 1000 ms: 1, 2, 4, 8, 16 s). */
  backoffMs: number;
  /** Per attempt (default 10 s). */
  timeoutMs: number;
  /** How often due deliveries are looked for (default 250 ms). */
  pollMs: number;
  /** Finished deliveries are kept this long, then pruned (default 30 days). */
  keepMs?: number;
}

const PRUNE_EVERY_MS = 3_600_000;

/**
 * Sends due deliveries: POST with `x-gateway-signature` (t=…,v1=…), `x-gateway-event-id` and
 * `x-gateway-event-type`; a 2xx is delivered, anything else (status, timeout, refused
 * connection) is retried with exponential backoff, and after the last try the delivery is a
 * dead letter (`GET /audit/webhooks/deliveries?status=dead_letter`). A missing secret is a
 * dead letter at once: nothing goes out unsigned. Errors record the status or the error
 * code, never the URL (a Slack URL is itself a credential) or a secret.
 */
export class WebhookDeliverer {
  private readonly logger = new Logger('WebhookDeliverer');
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;
  private prunedAt = 0;

  constructor(
    private readonly store: WebhookStore,
    private readonly options: WebhookDeliveryOptions,
    private readonly now: () => Date,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn(`webhook poll failed: ${String(error)}`))
        .finally(() => (this.running = null));
    }, this.options.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One poll: claims what is due and sends it, in parallel. */
  async tick(): Promise<number> {
    const nowMs = this.now().getTime();
    if (nowMs - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = nowMs;
      await this.store.prune(new Date(nowMs - (this.options.keepMs ?? 30 * 86_400_000)));
    }
    const due = await this.store.claimDue(this.now(), this.options.timeoutMs + 5_000, 20);
    await Promise.all(due.map((d) => this.deliver(d)));
    return due.length;
  }

  private async deliver(d: DeliveryRow): Promise<void> {
    const secret = this.options.secrets.get(d.secret_name);
    if (secret === undefined) {
      await this.store.markFailed(
        d,
        null,
        `secret ${d.secret_name} is not configured (WEBHOOK_SECRET_${d.secret_name})`,
        null,
      );
      return;
    }
    let status: number | null = null;
    let error: string;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'llmgov-webhooks/1',
          'x-gateway-event-id': d.event_id,
          'x-gateway-event-type': d.event_type,
          'x-gateway-signature': signWebhook(
            secret,
            d.body,
            Math.floor(this.now().getTime() / 1000),
          ),
        },
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await res.body?.cancel().catch(() => undefined);
      status = res.status;
      if (status >= 200 && status < 300) {
        await this.store.markDelivered(d, status, this.now());
        return;
      }
      error = `HTTP ${status}`;
    } catch (e) {
      const err = e as { name?: string; cause?: { code?: string } };
      error = err.name === 'TimeoutError' ? 'timeout' : (err.cause?.code ?? err.name ?? 'error');
    }
    const attempts = d.attempts + 1;
    const retryAt =
      attempts >= this.options.maxAttempts
        ? null
        : new Date(this.now().getTime() + backoffMs(attempts, this.options.backoffMs));
    await this.store.markFailed(d, status, error, retryAt);
  }
}

import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import {
  AdminAuthGuard,
  CurrentPrincipal,
  okList,
  orgScope,
  parseOrThrow,
  type AdminPrincipal,
} from '@llmgov/service-kit';
import { z } from 'zod';
import { WebhookStore, type DeliveryRow } from './webhook.store';
import { WEBHOOK_SECRETS } from './webhook-secrets';

const destinationsQuery = z.object({ org_id: z.string().min(1).optional() }).strict();
const deliveriesQuery = z
  .object({
    org_id: z.string().min(1).optional(),
    status: z.enum(['pending', 'delivered', 'dead_letter']).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  .strict();

/** Only the origin: a URL's path may hold a credential (Slack incoming-webhook URLs do). */
const origin = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

const deliveryView = (d: DeliveryRow) => ({
  event_id: d.event_id,
  event_type: d.event_type,
  destination_id: d.destination_id,
  url_origin: origin(d.url),
  status: d.status,
  attempts: d.attempts,
  last_status: d.last_status,
  last_error: d.last_error,
  next_attempt_at: d.status === 'pending' ? new Date(d.next_attempt_at).toISOString() : null,
  created_at: new Date(d.created_at).toISOString(),
  delivered_at: d.delivered_at ? new Date(d.delivered_at).toISOString() : null,
});

/**
 * Alert webhooks as the audit service sees them (docs/webhooks.md): the org's destinations
 * in force (secret names, and whether each secret is configured: never the secret) and its
 * deliveries, dead letters included. Any admin role reads its own org.
 */
@Controller('audit/webhooks')
@UseGuards(AdminAuthGuard)
export class WebhooksController {
  constructor(
    @Inject(WebhookStore) private readonly store: WebhookStore,
    @Inject(WEBHOOK_SECRETS) private readonly secrets: ReadonlyMap<string, string>,
  ) {}

  @Get()
  async destinations(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Query() raw: Record<string, string>,
  ) {
    const q = parseOrThrow(destinationsQuery, raw, 'query');
    const destinations = await this.store.destinations(orgScope(principal, q.org_id));
    return okList(
      destinations.map((d) => ({
        id: d.id,
        url_origin: origin(d.url),
        events: d.events,
        format: d.format ?? 'json',
        violation_sample_rate: d.violation_sample_rate ?? 1,
        enabled: d.enabled !== false,
        secret_name: d.secret_name,
        secret_configured: this.secrets.has(d.secret_name),
      })),
    );
  }

  @Get('deliveries')
  async deliveries(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Query() raw: Record<string, string>,
  ) {
    const q = parseOrThrow(deliveriesQuery, raw, 'query');
    const rows = await this.store.deliveries(
      orgScope(principal, q.org_id),
      q.status,
      q.limit ?? 100,
    );
    return okList(rows.map(deliveryView));
  }
}

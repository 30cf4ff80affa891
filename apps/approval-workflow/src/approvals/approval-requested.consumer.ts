import { Logger } from '@nestjs/common';
import { approvalsTopic } from '@llmgov/events';
import type { EventBus, Subscription } from '@llmgov/messaging';
import type { ApprovalService } from './approval.service';
import type { DataSource } from 'typeorm';

/**
 * Creates approvals from the gateway's `approval.requested` (one durable group for all
 * replicas). Idempotent by approval id, so redeliveries and replays are harmless; the
 * service's own transitions on the same topic are skipped.
 */
export class ApprovalRequestedConsumer {
  private readonly logger = new Logger('ApprovalRequestedConsumer');
  private subscription?: Subscription;

  constructor(
    private readonly bus: EventBus,
    private readonly dataSource: DataSource,
    private readonly approvals: ApprovalService,
  ) {}

  get running(): boolean {
    return this.subscription !== undefined;
  }

  async start(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      topic: approvalsTopic,
      group: 'approval-workflow.requests',
      fromBeginning: true,
      handler: async (event) => {
        if (event.type !== 'approval.requested') return;
        const created = await this.dataSource.transaction((manager) =>
          this.approvals.onRequested(manager, event),
        );
        if (created)
          this.logger.log(
            `approval ${event.data.approval_id} pending (org ${event.data.org_id}, expires ${event.data.expires_at})`,
          );
      },
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
  }
}

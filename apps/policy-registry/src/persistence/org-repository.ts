import type { Actor } from '@llmgov/events';
import {
  CommandHandler,
  type AggregateStreams,
  type Decision,
  type EventStore,
  type StoredEvent,
} from '@llmgov/eventstore';
import {
  ConflictError,
  newId,
  refusalError,
  type Clock,
  type TenancyDirectory,
  type TenancyEvent,
} from '@llmgov/service-kit';
import type { DataSource } from 'typeorm';
import { TENANCY_TYPES, type DecideContext, type OrgEvent } from '../domain/org-events';
import { evolve, fold, initialState, type OrgState } from '../domain/org-state';
import { toOutbox } from '../domain/outbox';

export const orgStream = (orgId: string) => `org-${orgId}`;
export const PLATFORM_STREAM = 'platform';
const streamType = (streamId: string) => (streamId === PLATFORM_STREAM ? 'platform' : 'org');

const toOrgEvent = (e: Pick<StoredEvent, 'type' | 'data'>) =>
  ({ type: e.type, data: e.data }) as OrgEvent;

const streams: AggregateStreams<OrgState, OrgEvent> = {
  streamType,
  initialState,
  evolve,
  copy: (state) => structuredClone(state),
  fromStored: toOrgEvent,
  toStored: (e) => ({ type: e.type, data: e.data }),
};

/**
 * Runs the registry's commands on one stream through the eventstore's CommandHandler: load,
 * fold, decide, append with the expected version and the outbox (one transaction; the
 * OutboxRelay publishes it); on a concurrent append, reload and decide again (so no update
 * is lost), else 409. A refusal is thrown as its domain error. Tenancy events are applied to
 * the shared directory before answering, so a new key works on this replica at once.
 */
export class OrgRepository {
  private readonly handler: CommandHandler<OrgState, OrgEvent, DecideContext>;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly directory: TenancyDirectory,
    private readonly clock: Clock,
  ) {
    this.handler = new CommandHandler(store, streams, {
      outbox: (before, events, after, ctx) => toOutbox(before, events, after, ctx.actor, ctx.now),
      onConflict: () =>
        new ConflictError('The policy document changed concurrently; retry', 'concurrent_update'),
    });
  }

  async load(streamId: string): Promise<OrgState> {
    return (await this.handler.load(streamId)).state;
  }

  async execute<R>(
    streamId: string,
    actor: Actor,
    decide: (state: OrgState, ctx: DecideContext) => Decision<OrgEvent, R>,
  ): Promise<{ state: OrgState; result: R }> {
    const context = () => ({ now: this.clock.now().toISOString(), newId, actor });
    const { state, decision, outbox } = await this.handler.handle(streamId, context, decide);
    if (!decision.ok) throw refusalError(decision.refusal);
    for (const m of outbox)
      if (m.topic.name.startsWith('governance.tenancy'))
        this.directory.apply(m.event as TenancyEvent);
    return { state, result: decision.result };
  }

  /** Folds every tenancy event of the store into the directory (at start, before the bus catches up). */
  async rebuildDirectory(directory: TenancyDirectory = this.directory): Promise<TenancyDirectory> {
    for (const event of await this.readCommitted()) {
      if ((TENANCY_TYPES as readonly string[]).includes(event.type)) {
        directory.apply({
          id: '',
          type: event.type,
          source: 'policy-registry',
          time: '',
          subject: '',
          data: event.data,
        } as unknown as TenancyEvent);
      }
    }
    return directory;
  }

  /** Every org stream folded from the store: the projection the routes read, rebuilt from scratch. */
  async rebuildOrgs(): Promise<Map<string, OrgState>> {
    const byStream = new Map<string, OrgEvent[]>();
    for (const event of await this.readCommitted()) {
      if (!byStream.has(event.stream_id)) byStream.set(event.stream_id, []);
      byStream.get(event.stream_id)!.push(toOrgEvent(event));
    }
    return new Map([...byStream].map(([id, events]) => [id, fold(events)]));
  }

  /**
   * Every committed event of the store, in global order. Not `EventStore.readAll`: that stops
   * below the oldest write transaction in flight anywhere in the cluster (right for a reader
   * that checkpoints positions), so a one-shot rebuild taken then could miss events that
   * are already committed, e.g. a key revoked a moment ago. A rebuild wants all of them.
   */
  private readCommitted(): Promise<Array<Pick<StoredEvent, 'stream_id' | 'type' | 'data'>>> {
    return this.dataSource.query(
      `SELECT stream_id, type, data FROM "${this.store.schema}"."events" ORDER BY global_position`,
    );
  }
}

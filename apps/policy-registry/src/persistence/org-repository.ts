import type { Actor } from '@llmgov/events';
import { ConcurrencyError, type EventStore, type StoredEvent } from '@llmgov/eventstore';
import {
  ConflictError,
  newId,
  type Clock,
  type TenancyDirectory,
  type TenancyEvent,
} from '@llmgov/service-kit';
import type { DataSource } from 'typeorm';
import { TENANCY_TYPES, type DecideContext, type OrgEvent } from '../domain/org-events';
import { fold, type OrgState } from '../domain/org-state';
import { applyAll, toOutbox } from '../domain/outbox';

export const orgStream = (orgId: string) => `org-${orgId}`;
export const PLATFORM_STREAM = 'platform';
const streamType = (streamId: string) => (streamId === PLATFORM_STREAM ? 'platform' : 'org');

/** How often a command is re-decided on a fresher state after a concurrent write, before 409. */
const MAX_ATTEMPTS = 8;

const toOrgEvent = (e: Pick<StoredEvent, 'type' | 'data'>) =>
  ({ type: e.type, data: e.data }) as OrgEvent;

/**
 * Runs commands against one stream: load, decide, append with the expected version and the
 * outbox (one transaction; the OutboxRelay publishes it); on a concurrent append, reload and
 * decide again (so no update is lost), else 409. Tenancy events are applied to the shared
 * directory before answering, so a new key works on this replica at once.
 */
export class OrgRepository {
  /** Commands on one stream run one after another in this replica; replicas race through the expected version. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    private readonly directory: TenancyDirectory,
    private readonly clock: Clock,
  ) {}

  async load(streamId: string): Promise<OrgState> {
    return fold((await this.store.readStream(streamId)).map(toOrgEvent));
  }

  execute<R>(
    streamId: string,
    actor: Actor,
    decide: (state: OrgState, ctx: DecideContext) => { events: OrgEvent[]; result: R },
  ): Promise<{ state: OrgState; result: R }> {
    const previous = this.queues.get(streamId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.attempt(streamId, actor, decide));
    this.queues.set(streamId, run);
    const cleanup = () => {
      if (this.queues.get(streamId) === run) this.queues.delete(streamId);
    };
    run.then(cleanup, cleanup);
    return run;
  }

  private async attempt<R>(
    streamId: string,
    actor: Actor,
    decide: (state: OrgState, ctx: DecideContext) => { events: OrgEvent[]; result: R },
  ): Promise<{ state: OrgState; result: R }> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.store.readStream(streamId);
      const version = stored.at(-1)?.version ?? 0;
      const state = fold(stored.map(toOrgEvent));
      const now = this.clock.now().toISOString();
      const { events, result } = decide(state, { now, newId, actor });
      const after = applyAll(state, events);
      const outbox = toOutbox(state, events, after, actor, now);
      if (events.length > 0) {
        try {
          await this.store.append(
            streamId,
            streamType(streamId),
            version,
            events.map((e) => ({ type: e.type, data: e.data })),
            { outbox },
          );
        } catch (error) {
          if (error instanceof ConcurrencyError && attempt < MAX_ATTEMPTS) {
            await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
            continue;
          }
          if (error instanceof ConcurrencyError)
            throw new ConflictError(
              'The policy document changed concurrently; retry',
              'concurrent_update',
            );
          throw error;
        }
      }
      for (const m of outbox)
        if (m.topic.name.startsWith('governance.tenancy'))
          this.directory.apply(m.event as TenancyEvent);
      return { state: after, result };
    }
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

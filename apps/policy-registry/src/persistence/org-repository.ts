import type { Actor } from '@llmgov/events';
import { ConflictError, newId, type Clock, type TenancyDirectory, type TenancyEvent } from '@llmgov/service-kit';
import { TENANCY_TYPES, type DecideContext, type OrgEvent } from '../domain/org-events';
import { fold, type OrgState } from '../domain/org-state';
import { applyAll, toOutbox } from '../domain/outbox';
import { ConcurrencyError, type RegistryEventStore } from './event-store';
import type { OutboxRelay } from './outbox-relay';

export const orgStream = (orgId: string) => `org-${orgId}`;
export const PLATFORM_STREAM = 'platform';

/** How often a command is re-decided on a fresher state after a concurrent write, before 409. */
const MAX_ATTEMPTS = 8;

/**
 * Runs commands against one stream: load, decide, append with the expected version and the
 * outbox; on a concurrent append, reload and decide again (so no update is lost), else 409.
 * Tenancy events are applied to the shared directory before answering, so a new key works
 * on this replica at once.
 */
export class OrgRepository {
  /** Commands on one stream run one after another in this replica; replicas race through the expected version. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: RegistryEventStore,
    private readonly relay: OutboxRelay,
    private readonly directory: TenancyDirectory,
    private readonly clock: Clock,
  ) {}

  async load(streamId: string): Promise<OrgState> {
    return fold((await this.store.readStream(streamId)).events);
  }

  execute<R>(streamId: string, actor: Actor, decide: (state: OrgState, ctx: DecideContext) => { events: OrgEvent[]; result: R }): Promise<{ state: OrgState; result: R }> {
    const previous = this.queues.get(streamId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.attempt(streamId, actor, decide));
    this.queues.set(streamId, run);
    const cleanup = () => {
      if (this.queues.get(streamId) === run) this.queues.delete(streamId);
    };
    run.then(cleanup, cleanup);
    return run;
  }

  private async attempt<R>(streamId: string, actor: Actor, decide: (state: OrgState, ctx: DecideContext) => { events: OrgEvent[]; result: R }): Promise<{ state: OrgState; result: R }> {
    for (let attempt = 1; ; attempt++) {
      const { version, events: history } = await this.store.readStream(streamId);
      const state = fold(history);
      const now = this.clock.now().toISOString();
      const { events, result } = decide(state, { now, newId, actor });
      const after = applyAll(state, events);
      const outbox = toOutbox(state, events, after, actor, now);
      try {
        await this.store.append(streamId, version, events, outbox);
      } catch (error) {
        if (error instanceof ConcurrencyError && attempt < MAX_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
          continue;
        }
        if (error instanceof ConcurrencyError) throw new ConflictError('The policy document changed concurrently; retry', 'concurrent_update');
        throw error;
      }
      for (const m of outbox) if (m.topic.name.startsWith('governance.tenancy')) this.directory.apply(m.event as TenancyEvent);
      if (outbox.length > 0) this.relay.nudge();
      return { state: after, result };
    }
  }

  /** Folds every tenancy event of the store into the directory (at start, before the bus catches up). */
  async rebuildDirectory(directory: TenancyDirectory = this.directory): Promise<TenancyDirectory> {
    for (const { event } of await this.store.readAll()) {
      if ((TENANCY_TYPES as readonly string[]).includes(event.type)) {
        directory.apply({ id: '', type: event.type, source: 'policy-registry', time: '', subject: '', data: event.data } as unknown as TenancyEvent);
      }
    }
    return directory;
  }

  /** Every org stream folded from the store: the projection the routes read, rebuilt from scratch. */
  async rebuildOrgs(): Promise<Map<string, OrgState>> {
    const byStream = new Map<string, OrgEvent[]>();
    for (const { stream_id, event } of await this.store.readAll()) {
      if (!byStream.has(stream_id)) byStream.set(stream_id, []);
      byStream.get(stream_id)!.push(event);
    }
    return new Map([...byStream].map(([id, events]) => [id, fold(events)]));
  }
}

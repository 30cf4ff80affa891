import { ConcurrencyError } from './errors';
import type { EventStore } from './event-store';
import type { OutboxMessage } from './outbox/outbox-message';
import type { Decision, RefusalKind } from './decider';
import type { NewEvent, StoredEvent } from './stored-event';

/** How an aggregate's events are stored and folded. */
export interface AggregateStreams<S, E> {
  /** `stream_type` of a stream (e.g. `org`, `platform`). */
  streamType(streamId: string): string;
  initialState(): S;
  evolve(state: S, event: E): S;
  /** A copy of a state, for an `evolve` that changes the state it is given (default: none). */
  copy?(state: S): S;
  /** A stored event back to the aggregate's event type. */
  fromStored(event: StoredEvent): E;
  toStored(event: E): NewEvent;
}

export interface CommandHandlerOptions<S, E, Ctx> {
  /** The outbox rows to write beside the events (published by the OutboxRelay after commit). */
  outbox?: (before: S, events: readonly E[], after: S, ctx: Ctx) => OutboxMessage[];
  /** Attempts before a conflict is given up (answered by `onConflict`). Default 8. */
  maxAttempts?: number;
  /** The error thrown when every attempt lost to a concurrent append (e.g. a 409). */
  onConflict?: (streamId: string) => Error;
}

export interface Handled<S, E, R, K extends string> {
  /** The state after the decision (the loaded state when it was refused or changed nothing). */
  state: S;
  decision: Decision<E, R, K>;
  /** The outbox rows written with the events. */
  outbox: OutboxMessage[];
}

/**
 * The one command handler of the event-sourced aggregates: load the stream, fold it, decide,
 * append the events with the expected version (and the outbox) in one transaction; on a
 * concurrent append, reload and decide again after a short random pause, so no update is
 * lost. Commands on one stream run one after another in this process; processes race
 * through the expected version. A refusal is returned, not thrown: the caller maps it.
 */
export class CommandHandler<S, E, Ctx> {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly maxAttempts: number;

  constructor(
    private readonly store: EventStore,
    private readonly streams: AggregateStreams<S, E>,
    private readonly options: CommandHandlerOptions<S, E, Ctx> = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
  }

  /** The stream folded into its state (and its version). */
  async load(streamId: string): Promise<{ state: S; version: number }> {
    const stored = await this.store.readStream(streamId);
    return { state: this.fold(stored), version: stored.at(-1)?.version ?? 0 };
  }

  /**
   * Runs `decide` on the stream's current state; `context` makes the decider's context (time,
   * ids, actor) for each attempt, so a retry decides at its own time.
   */
  handle<R, K extends string = RefusalKind>(
    streamId: string,
    context: () => Ctx,
    decide: (state: S, ctx: Ctx) => Decision<E, R, K>,
  ): Promise<Handled<S, E, R, K>> {
    const previous = this.queues.get(streamId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.attempt(streamId, context, decide));
    this.queues.set(streamId, run);
    const cleanup = () => {
      if (this.queues.get(streamId) === run) this.queues.delete(streamId);
    };
    run.then(cleanup, cleanup);
    return run;
  }

  private fold(stored: readonly StoredEvent[]): S {
    return stored.reduce(
      (s, e) => this.streams.evolve(s, this.streams.fromStored(e)),
      this.streams.initialState(),
    );
  }

  private async attempt<R, K extends string>(
    streamId: string,
    context: () => Ctx,
    decide: (state: S, ctx: Ctx) => Decision<E, R, K>,
  ): Promise<Handled<S, E, R, K>> {
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.load(streamId);
      const ctx = context();
      const decision = decide(state, ctx);
      if (!decision.ok || decision.events.length === 0) return { state, decision, outbox: [] };
      const start = this.streams.copy ? this.streams.copy(state) : state;
      const after = decision.events.reduce((s, e) => this.streams.evolve(s, e), start);
      const outbox = this.options.outbox?.(state, decision.events, after, ctx) ?? [];
      try {
        await this.store.append(
          streamId,
          this.streams.streamType(streamId),
          version,
          decision.events.map((e) => this.streams.toStored(e)),
          { outbox },
        );
        return { state: after, decision, outbox };
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        if (attempt >= this.maxAttempts) throw this.options.onConflict?.(streamId) ?? error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }
}

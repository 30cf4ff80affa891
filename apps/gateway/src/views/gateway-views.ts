import {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_LAG_MS,
  DEFAULT_REPLICA_TIMEOUT_MS,
  ReplicaSet,
  ReservationBook,
} from '@llmgov/budget';
import { gatewaySource } from '../forward/request-events';
import {
  agentReviewsTopic,
  policyTopic,
  replicasTopic,
  requestsTopic,
  tenancyTopic,
  type EventOf,
  type TopicDescriptor,
} from '@llmgov/events';
import { randomUUID } from 'node:crypto';
import {
  INGEST_BATCH_WINDOW_MS,
  type EventBus,
  type SubscribeOptions,
  type Subscription,
} from '@llmgov/messaging';
import type { ChainViews } from '@llmgov/chain';
import { counter, gauge } from '@llmgov/telemetry';
import { rateBucketsFor } from '@llmgov/policy-eval';
import { AgentReviews } from './agent-reviews';
import { BookBudgetGate } from './book-budget-gate';
import { LocalRateLimiter } from './local-rate-limiter';
import { PolicyStore } from './policy-store';
import { GatewayTenancy } from './tenancy-view';

const blindFor = gauge({
  name: 'gateway_replica_blind_seconds',
  help: 'How long this replica has been blind: its oldest heartbeat not back through the bus after half a lag (0: its view is fresh). Blind, it counts all it admitted since near a limit (docs/budgets.md).',
  labelNames: ['replica'] as const,
});
const policyRejected = counter({
  name: 'gateway_policy_versions_rejected_total',
  help: 'Active policy versions that failed verification (the previous version stays enforced).',
});

/** How long the views must be quiet after the first delivery before the gateway says it is ready. */
const QUIET_MS = 300;
/** Ready anyway this long after subscribing (empty topics deliver nothing). */
const EMPTY_TOPICS_MS = 5_000;

type RateSubject = Parameters<typeof rateBucketsFor>[0];

export interface ViewLogger {
  warn(obj: object, msg: string): void;
}

/** Replica heartbeats (docs/budgets.md, "Cluster-wide: shares of each budget over the live replicas"). */
export interface ReplicaOptions {
  /** How often this replica announces itself (default 1 s). */
  heartbeat_ms?: number;
  /** A peer not heard from for this long is gone (default 3 s; > heartbeat + two propagation lags). */
  timeout_ms?: number;
  /** Bound on the propagation lag between replicas: the window of each lag share (default 1 s). */
  lag_ms?: number;
}

/**
 * How long the requests topic's records may gather before a replica's view fetches them: a
 * fifth of the lag bound, at most the ingest services' window (200 ms with the default 1 s).
 * Each replica fetches its own request events back (Kafka cannot leave them out) only to skip
 * them; fetching once per produce cost a fetch round trip, its decoding and a new fetch per
 * 10 ms linger at light load (issue 14). Under load a fetch fills 64 KiB well within the window;
 * at light load peers see each other's requests up to the window later, which stays inside
 * the lag bound: a replica whose heartbeat echo takes over half a lag is blind
 * (docs/budgets.md), so a seeing replica's peers fold its events within 0.5 + 0.2 lag.
 */
export const peerEventsWindowMs = (lagMs: number): number =>
  Math.min(INGEST_BATCH_WINDOW_MS, lagMs / 5);

/**
 * Every in-memory view of one gateway replica, folded from the bus: verified active
 * policies, tenancy, agent reviews, and peers' admitted/completed requests (cluster-wide
 * rate limits and budgets). Each replica reads every topic from the beginning in its own
 * consumer group, so it rebuilds its views at start.
 */
export class GatewayViews implements ChainViews {
  readonly tenancy = new GatewayTenancy();
  readonly policies: PolicyStore;
  readonly reviews = new AgentReviews();
  readonly rate: LocalRateLimiter;
  readonly book: ReservationBook;
  readonly budget: BookBudgetGate;
  /** The live gateway replicas, from heartbeats: budgets and rate limits are shared over them. */
  readonly replicas: ReplicaSet;
  private readonly heartbeatMs: number;
  /** How long peers' request events may gather before this replica's view fetches them. */
  private readonly peerWindowMs: number;
  private readonly startedAt = new Date();
  private beat: NodeJS.Timeout | null = null;
  private subs: Subscription[] = [];
  /** Peers' admitted requests not completed yet (so a completion does not count them twice). */
  private readonly peerAdmitted = new Set<string>();
  /** Peers' requests of orgs whose policy is not folded yet (topics replay in any order): counted once it is. */
  private readonly unrated = new Map<string, { d: RateSubject; at: number }[]>();
  private subscribedAt = 0;
  private lastEventAt = 0;
  private isReady = false;
  private sweep: NodeJS.Timeout | null = null;

  constructor(
    private readonly replicaId: string,
    private readonly logger: ViewLogger,
    options: ReplicaOptions = {},
  ) {
    this.heartbeatMs = options.heartbeat_ms ?? DEFAULT_HEARTBEAT_MS;
    this.peerWindowMs = peerEventsWindowMs(options.lag_ms ?? DEFAULT_LAG_MS);
    this.replicas = new ReplicaSet({
      self: replicaId,
      timeout_ms: options.timeout_ms ?? DEFAULT_REPLICA_TIMEOUT_MS,
      blind_after_ms: (options.lag_ms ?? DEFAULT_LAG_MS) / 2,
    });
    this.policies = new PolicyStore((org, version, reason) => {
      policyRejected.inc();
      this.logger.warn(
        { org_id: org, policy_version: version, reason },
        'policy version failed verification; keeping the previous one',
      );
    });
    this.book = new ReservationBook({
      replica_id: replicaId,
      replicas: this.replicas,
      lag_ms: options.lag_ms,
    });
    this.rate = new LocalRateLimiter(this.replicas, options.lag_ms);
    this.budget = new BookBudgetGate(this.book);
  }

  /**
   * `send`: how heartbeats leave, by default straight onto `bus`. The gateway sends them
   * through its request events' publisher, so that their echo measures that path, queue
   * included: a heartbeat back means the request events sent before it are out too.
   */
  async start(bus: EventBus, send?: (beat: EventOf<typeof replicasTopic>) => void): Promise<void> {
    // One consumer group per topic: Kafka assigns a group's topics across all its members.
    const group = (topic: string) => `gateway-views-${this.replicaId}-${topic}`;
    const own = gatewaySource(this.replicaId);
    // Every replayed topic from the beginning, noting when an event last came (readiness).
    const fold = <T extends TopicDescriptor>(
      topic: T,
      apply: (event: EventOf<T>) => void,
      extra: Pick<SubscribeOptions<T>, 'skip' | 'batchWindowMs'> = {},
    ) =>
      bus.subscribe({
        topic,
        group: group(topic.name),
        fromBeginning: true,
        ...extra,
        handler: async (e) => {
          this.lastEventAt = Date.now();
          apply(e);
        },
      });
    this.subs = await Promise.all([
      fold(tenancyTopic, (e) => this.tenancy.apply(e)),
      fold(policyTopic, (e) => this.applyPolicy(e)),
      fold(agentReviewsTopic, (e) => this.reviews.apply(e)),
      // This replica's own request events change nothing here (the book and the rate windows
      // hold them already): skipped on the ce_source header, before decoding. They are most of
      // what this view fetches, so it fetches once per window rather than once per produce.
      fold(requestsTopic, (e) => this.applyPeer(e), {
        skip: (header) => header('ce_source') === own,
        batchWindowMs: this.peerWindowMs,
      }),
      // Heartbeats: only the live ones matter, so from the latest offset; stamped with the local receipt time.
      bus.subscribe({
        topic: replicasTopic,
        group: group(replicasTopic.name),
        fromBeginning: false,
        handler: async (e) => {
          // Its own, back through the bus: its view is fresh up to then (`ReplicaSet.blindSince`).
          if (e.data.replica_id === this.replicaId) {
            this.replicas.echoed(Date.parse(e.data.sent_at));
            return;
          }
          // A heartbeat sent longer than a timeout ago (a replay, a slow group join) says nothing
          // about liveness now: a restarted process must not count its previous life as a peer.
          // Assumes replica clocks agree within a fraction of REPLICA_TIMEOUT_MS (NTP).
          const now = Date.now();
          if (now - Date.parse(e.data.sent_at) >= this.replicas.timeoutMs) return;
          this.replicas.heartbeat(e.data.replica_id, now);
        },
      }),
    ]);
    const heartbeat = () => {
      const beat = this.heartbeat();
      const now = Date.parse(beat.data.sent_at);
      const blind = this.replicas.blindSince(now);
      blindFor.labels(this.replicaId).set(blind === undefined ? 0 : (now - blind) / 1000);
      this.replicas.sent(now);
      if (send) return send(beat);
      void bus
        .publish(replicasTopic, beat)
        .catch((err: Error) => this.logger.warn({ err: err.message }, 'replica heartbeat failed'));
    };
    heartbeat();
    this.beat = setInterval(heartbeat, this.heartbeatMs);
    this.beat.unref();
    this.subscribedAt = Date.now();
    this.sweep = setInterval(() => this.book.expire(new Date()), 30_000);
    this.sweep.unref();
  }

  /**
   * Ready once subscribed and the initial replay has gone quiet (or nothing came). Latched:
   * live traffic keeps the views busy, and a replica must not flap out of its load balancer
   * because its peers are sending events.
   */
  ready(): boolean {
    if (this.isReady) return true;
    if (!this.subscribedAt) return false;
    const now = Date.now();
    // Join: serve only once every live peer has heard this replica and it has heard them (one timeout),
    // so no replica splits a budget over fewer replicas than those admitting (docs/budgets.md).
    if (now - this.subscribedAt < this.replicas.timeoutMs) return false;
    this.isReady = this.lastEventAt
      ? now - this.lastEventAt >= QUIET_MS
      : now - this.subscribedAt >= EMPTY_TOPICS_MS;
    return this.isReady;
  }

  /**
   * Peers' requests count in the rate windows once: at `request.admitted`, or at
   * `request.completed` when the admission was withdrawn (the request finished before
   * its replica's batch left).
   */
  private applyPeer(event: Parameters<ReservationBook['apply']>[0]): void {
    this.book.apply(event);
    if (event.data.replica_id === this.replicaId) return;
    const d = event.data;
    if (event.type === 'request.admitted') this.peerAdmitted.add(d.request_id);
    else if (
      this.peerAdmitted.delete(d.request_id) ||
      event.data.outcome === 'refused' ||
      event.data.outcome === 'pending_approval'
    )
      return;
    const policy = this.policies.active(d.org_id);
    const at = Date.parse(
      event.type === 'request.admitted' ? event.data.admitted_at : event.data.started_at,
    );
    if (policy) this.rate.record(rateBucketsFor(d, policy), at);
    else this.park(d, at);
    if (this.peerAdmitted.size > 100_000) this.peerAdmitted.clear();
  }

  private applyPolicy(e: Parameters<PolicyStore['apply']>[0]): void {
    if (this.policies.apply(e) === 'activated' && e.type === 'policy.published')
      this.rateParked(e.data.org_id);
  }

  private park(d: RateSubject, at: number): void {
    let list = this.unrated.get(d.org_id);
    if (!list) this.unrated.set(d.org_id, (list = []));
    // Only today's requests can still count (the longest window is a UTC day).
    if (list.length >= 100_000 || Date.now() - at >= 86_400_000) return;
    list.push({
      d: { org_id: d.org_id, key_id: d.key_id, team_id: d.team_id, agent_id: d.agent_id },
      at,
    });
  }

  private rateParked(orgId: string): void {
    const list = this.unrated.get(orgId);
    const policy = this.policies.active(orgId);
    if (!list || !policy) return;
    this.unrated.delete(orgId);
    for (const { d, at } of list) this.rate.record(rateBucketsFor(d, policy), at);
  }

  private heartbeat(): EventOf<typeof replicasTopic> {
    const now = new Date().toISOString();
    return {
      id: randomUUID(),
      type: 'replica.heartbeat',
      source: gatewaySource(this.replicaId),
      time: now,
      subject: this.replicaId,
      data: {
        replica_id: this.replicaId,
        started_at: this.startedAt.toISOString(),
        sent_at: now,
        interval_ms: this.heartbeatMs,
      },
    };
  }

  async stop(): Promise<void> {
    if (this.beat) clearInterval(this.beat);
    if (this.sweep) clearInterval(this.sweep);
    await Promise.all(this.subs.map((s) => s.close()));
    this.subs = [];
  }
}

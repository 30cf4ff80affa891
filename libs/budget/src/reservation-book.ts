import type { RequestAdmitted, RequestCompleted } from '@llmgov/events';
import type { z } from 'zod';
import {
  counterKey,
  countersFor,
  exceedsRemaining,
  parseCounterKey,
  type BudgetLimit,
  type BudgetPrincipal,
  type CounterRef,
} from './budget-limit';
import { periodStart } from './periods';
import { RecentAdmissions } from './recent-admissions';
import type { ReplicaSet } from './replica-set';
import { DEFAULT_LAG_MS, fitsLagShare, lagShare } from './shares';
import type { BudgetSnapshot } from './snapshot';

export type RequestAdmittedEvent = z.infer<typeof RequestAdmitted>;
export type RequestCompletedEvent = z.infer<typeof RequestCompleted>;

export interface ReserveInput {
  request_id: string;
  principal: BudgetPrincipal;
  /** The budgets to check (`budgetLimitsFor`); the reservation is charged to every counter of the principal. */
  limits: readonly BudgetLimit[];
  amount_micro_usd: number;
  /** When the request started: which day / month it is charged to. */
  at: Date;
  /** After this, a reservation that was neither settled nor released is dropped (its holder died). */
  expires_at: Date;
  /** Defaults to the book's own replica id. */
  replica_id?: string;
}

export interface BudgetStatus {
  limit_micro_usd: number;
  spent_micro_usd: number;
  reserved_micro_usd: number;
  /** limit − spent − reserved, never below 0. */
  remaining_micro_usd: number;
}

/** Why a replica's lag share refused, when the budget itself still had room (docs/budgets.md). */
export interface ShareRefusal {
  replicas: number;
  /** What this replica may admit within one lag (`lagShare`). */
  share_micro_usd: number;
  /** What it admitted within the last lag. */
  own_micro_usd: number;
  /** When its share frees up: its oldest admission still counted leaves the lag window. */
  retry_after_ms: number;
}

export type ReserveResult =
  | { ok: true }
  | ({ ok: false; limit: BudgetLimit; share?: ShareRefusal } & Omit<
      BudgetStatus,
      'limit_micro_usd'
    >);

export interface ReservationBookOptions {
  replica_id: string;
  /** How long completed request ids are remembered to drop redelivered events (default 15 min). */
  completed_retention_ms?: number;
  /** Session counters untouched this long are forgotten (default 7 days). */
  session_retention_ms?: number;
  /**
   * The live gateway replicas: with more than one, each admits within one lag at most its lag
   * share of what it sees left (`fitsLagShare`). Without it, the book is alone.
   */
  replicas?: ReplicaSet;
  /** Bound on the propagation lag between replicas (default 1 s): the lag share's window. */
  lag_ms?: number;
}

interface Reservation {
  request_id: string;
  principal: BudgetPrincipal;
  at: Date;
  counters: string[];
  amount: number;
  expires_at: number;
  replica_id: string;
  /** What an own stream grew by, per limit counter: peers see it only with the completion. */
  grown?: { keys: string[]; amount: number };
}

/**
 * One gateway replica's view of budgets: settled spend and open reservations per counter,
 * its own and its peers' (folded from `request.admitted` / `request.completed`).
 *
 * `reserve` is synchronous and all-or-nothing: it checks every limit and charges every
 * counter in one turn of the event loop, so concurrent requests in one replica can never
 * together pass a budget. Across replicas, each admits within one propagation lag at most
 * its lag share plus one request, so overspend ≤ one request per replica (docs/budgets.md).
 */
export class ReservationBook {
  readonly replicaId: string;
  private readonly spentBy = new Map<string, number>();
  private readonly reservedBy = new Map<string, number>();
  private readonly open = new Map<string, Reservation>();
  /** request id → when it completed here (ms), to drop late or redelivered events. */
  private readonly done = new Map<string, number>();
  private readonly sessionTouched = new Map<string, number>();
  private readonly completedRetentionMs: number;
  private readonly sessionRetentionMs: number;
  /** Counter keys per principal and UTC day: most requests repeat a few principals (hot path). */
  private readonly keyCache = new Map<string, string[]>();
  private readonly limitKeys = new WeakMap<CounterRef, string>();
  /** Limit counter key → what this replica admitted on it within the last lag (cluster mode only). */
  private readonly recent = new Map<string, RecentAdmissions>();
  /** The windows the last `check` passed through, in `limits` order (`checkedFor`), for `noteOwn`. */
  private readonly checked: RecentAdmissions[] = [];
  /** Limit counter key → what own open streams grew by (peers learn it only at completion). */
  private readonly unannounced = new Map<string, number>();
  private checkedFor: readonly BudgetLimit[] | null = null;
  private readonly replicas: ReplicaSet | undefined;
  private readonly lagMs: number;

  constructor(options: ReservationBookOptions) {
    this.replicaId = options.replica_id;
    this.replicas = options.replicas;
    this.lagMs = options.lag_ms ?? DEFAULT_LAG_MS;
    this.completedRetentionMs = options.completed_retention_ms ?? 15 * 60_000;
    this.sessionRetentionMs = options.session_retention_ms ?? 7 * 86_400_000;
  }

  /** Reserves `amount_micro_usd` against every limit at once, or refuses naming the first limit it would pass. */
  reserve(input: ReserveInput): ReserveResult {
    if (this.open.has(input.request_id)) return { ok: true };
    const nowMs = input.at.getTime();
    const refused = this.check(input.limits, input.amount_micro_usd, nowMs);
    if (refused) return refused;
    this.noteOwn(input.limits, input.amount_micro_usd, nowMs);
    this.hold(
      input.request_id,
      input.principal,
      input.at,
      input.amount_micro_usd,
      input.expires_at.getTime(),
      input.replica_id ?? this.replicaId,
    );
    return { ok: true };
  }

  /**
   * Would `amount_micro_usd` fit every limit now (and this replica's lag share of it when it
   * has live peers)? Null when it fits, else the refusal naming the first limit it would pass.
   */
  check(
    limits: readonly BudgetLimit[],
    amount_micro_usd: number,
    nowMs: number,
  ): Exclude<ReserveResult, { ok: true }> | null {
    const n = this.replicas ? this.replicas.size(nowMs) : 1;
    const blind = this.replicas?.blindSince(nowMs);
    let checked = 0;
    this.checkedFor = null;
    for (const limit of limits) {
      const key = this.keyOf(limit);
      const remaining =
        limit.limit_micro_usd - (this.spentBy.get(key) ?? 0) - (this.reservedBy.get(key) ?? 0);
      if (exceedsRemaining(remaining, amount_micro_usd)) return this.refusal(limit, key);
      if (n <= 1) continue;
      let recent = this.recent.get(key);
      if (!recent) this.recent.set(key, (recent = new RecentAdmissions(this.lagMs)));
      this.checked[checked++] = recent;
      const own = recent.sum(nowMs, blind) + (this.unannounced.get(key) ?? 0);
      if (!fitsLagShare(own, amount_micro_usd, remaining, n)) {
        return this.refusal(limit, key, {
          replicas: n,
          share_micro_usd: lagShare(remaining, n),
          own_micro_usd: own,
          retry_after_ms: recent.freesInMs(nowMs),
        });
      }
    }
    if (n > 1) this.checkedFor = limits;
    return null;
  }

  private refusal(
    limit: BudgetLimit,
    key: string,
    share?: ShareRefusal,
  ): Exclude<ReserveResult, { ok: true }> {
    const st = this.statusOf(key, limit.limit_micro_usd);
    return {
      ok: false,
      limit,
      spent_micro_usd: st.spent_micro_usd,
      reserved_micro_usd: st.reserved_micro_usd,
      remaining_micro_usd: share
        ? Math.max(0, share.share_micro_usd - share.own_micro_usd)
        : st.remaining_micro_usd,
      ...(share ? { share } : {}),
    };
  }

  /**
   * Settles a request to its actual cost: drops its reservation and charges the actual
   * cost to the counters it reserved on. Without a reservation here (e.g. admitted before a
   * restart), `charge_to` names the principal and start time. Idempotent by request id.
   */
  settle(
    request_id: string,
    actual_micro_usd: number,
    charge_to?: { principal: BudgetPrincipal; started_at: Date; replica_id?: string },
    now = Date.now(),
  ): void {
    if (this.done.has(request_id)) return;
    const r = this.open.get(request_id);
    const counters = r
      ? r.counters
      : charge_to
        ? this.keysFor(charge_to.principal, charge_to.started_at)
        : null;
    if (r) this.drop(r, now);
    this.done.set(request_id, now);
    if (!counters) return;
    for (const key of counters)
      this.spentBy.set(key, (this.spentBy.get(key) ?? 0) + actual_micro_usd);
  }

  /** Drops a reservation without charging anything (the request was refused later in the chain). */
  release(request_id: string, now = Date.now()): void {
    const r = this.open.get(request_id);
    if (r) this.drop(r, now);
  }

  /** Drops reservations whose expiry passed and forgets counters of past periods and old request ids. */
  expire(now: Date): number {
    const t = now.getTime();
    let expired = 0;
    for (const r of this.open.values()) {
      if (r.expires_at <= t) {
        this.drop(r, t);
        expired++;
      }
    }
    for (const [id, at] of this.done) if (t - at > this.completedRetentionMs) this.done.delete(id);
    const blind = this.replicas?.blindSince(t);
    for (const [key, recent] of this.recent) if (recent.idle(t, blind)) this.recent.delete(key);
    this.pruneCounters(now);
    return expired;
  }

  /** Folds a peer's reservation in. Ignores this replica's own events and requests already known. */
  applyPeerAdmitted(event: RequestAdmittedEvent): void {
    const d = event.data;
    if (
      d.replica_id === this.replicaId ||
      this.done.has(d.request_id) ||
      this.open.has(d.request_id)
    )
      return;
    this.hold(
      d.request_id,
      d,
      new Date(d.admitted_at),
      d.reserved_micro_usd,
      Date.parse(d.reservation_expires_at),
      d.replica_id,
    );
  }

  /** Folds a peer's settlement in (its reservation, if seen, is replaced by the actual cost). Idempotent. */
  applyPeerCompleted(event: RequestCompletedEvent): void {
    const d = event.data;
    if (d.replica_id === this.replicaId) return;
    this.settle(d.request_id, d.cost_micro_usd, {
      principal: d,
      started_at: new Date(d.started_at),
      replica_id: d.replica_id,
    });
  }

  /** Folds any event of `gateway.requests.v1`. */
  apply(event: RequestAdmittedEvent | RequestCompletedEvent): void {
    switch (event.type) {
      case 'request.admitted':
        return this.applyPeerAdmitted(event);
      case 'request.completed':
        return this.applyPeerCompleted(event);
      default: {
        const never: never = event;
        throw new Error(`unexpected event ${JSON.stringify(never)}`);
      }
    }
  }

  /** Settled spend on the limit's counter (`x-daily-spend-usd`). */
  spent(limit: CounterRef): number {
    return this.spentBy.get(counterKey(limit)) ?? 0;
  }

  status(limit: BudgetLimit): BudgetStatus {
    return this.statusOf(this.keyOf(limit), limit.limit_micro_usd);
  }

  private statusOf(key: string, limit_micro_usd: number): BudgetStatus {
    const spent = this.spentBy.get(key) ?? 0;
    const reserved = this.reservedBy.get(key) ?? 0;
    return {
      limit_micro_usd,
      spent_micro_usd: spent,
      reserved_micro_usd: reserved,
      remaining_micro_usd: Math.max(0, limit_micro_usd - spent - reserved),
    };
  }

  /**
   * Grows an open reservation to `total_micro_usd` when the extra fits every limit, all or
   * nothing (a stream reserves what it may spend as it goes). False when it does not fit or
   * the reservation is gone (settled, released, expired); a smaller total changes nothing.
   */
  grow(
    request_id: string,
    limits: readonly BudgetLimit[],
    total_micro_usd: number,
    nowMs = Date.now(),
  ): boolean {
    const r = this.open.get(request_id);
    if (!r) return false;
    const extra = total_micro_usd - r.amount;
    if (extra <= 0) return true;
    if (this.check(limits, extra, nowMs)) return false;
    if (this.replicas) {
      // Growth reaches peers only with the request's completion: until then it counts against
      // this replica's lag share as not yet seen (docs/budgets.md, "Streams").
      const g = (r.grown ??= { keys: limits.map((l) => this.keyOf(l)), amount: 0 });
      g.amount += extra;
      for (const key of g.keys) this.unannounced.set(key, (this.unannounced.get(key) ?? 0) + extra);
    }
    for (const key of r.counters) this.reservedBy.set(key, (this.reservedBy.get(key) ?? 0) + extra);
    r.amount = total_micro_usd;
    return true;
  }

  /** The open reservation of a request, if any. */
  reservation(
    request_id: string,
  ): { amount_micro_usd: number; replica_id: string; expires_at: Date } | null {
    const r = this.open.get(request_id);
    return r
      ? { amount_micro_usd: r.amount, replica_id: r.replica_id, expires_at: new Date(r.expires_at) }
      : null;
  }

  get openReservations(): number {
    return this.open.size;
  }

  /** Starts from the ledger's snapshot (call on an empty book, then replay buffered stream events). */
  loadSnapshot(snapshot: BudgetSnapshot, now = Date.now()): void {
    for (const c of snapshot.counters) {
      const key = counterKey(c);
      this.spentBy.set(key, c.spent_micro_usd);
      if (c.scope === 'session') this.sessionTouched.set(key, now);
    }
    for (const id of snapshot.recent_completed_request_ids) this.done.set(id, now);
    for (const r of snapshot.reservations) {
      if (this.open.has(r.request_id) || this.done.has(r.request_id)) continue;
      this.hold(
        r.request_id,
        r,
        new Date(r.admitted_at),
        r.amount_micro_usd,
        Date.parse(r.expires_at),
        r.replica_id,
      );
    }
  }

  private hold(
    request_id: string,
    principal: BudgetPrincipal,
    at: Date,
    amount: number,
    expires_at: number,
    replica_id: string,
  ): void {
    const counters = this.keysFor(principal, at);
    for (const key of counters) this.reservedBy.set(key, (this.reservedBy.get(key) ?? 0) + amount);
    const p: BudgetPrincipal = {
      org_id: principal.org_id,
      team_id: principal.team_id,
      key_id: principal.key_id,
      agent_id: principal.agent_id,
      session_id: principal.session_id,
      end_user: principal.end_user ?? null,
    };
    this.open.set(request_id, {
      request_id,
      principal: p,
      at,
      counters,
      amount,
      expires_at,
      replica_id,
    });
  }

  private drop(r: Reservation, now: number): void {
    this.open.delete(r.request_id);
    if (r.grown) {
      // Its completion, published now, reaches peers within one lag: count the growth that long.
      for (const key of r.grown.keys) {
        const left = (this.unannounced.get(key) ?? 0) - r.grown.amount;
        if (left > 0) this.unannounced.set(key, left);
        else this.unannounced.delete(key);
        let recent = this.recent.get(key);
        if (!recent) this.recent.set(key, (recent = new RecentAdmissions(this.lagMs)));
        recent.add(now, r.grown.amount, this.replicas?.blindSince(now));
      }
    }
    for (const key of r.counters) {
      const left = (this.reservedBy.get(key) ?? 0) - r.amount;
      if (left > 0) this.reservedBy.set(key, left);
      else this.reservedBy.delete(key);
    }
  }

  /**
   * Counts an own admission against each limit's lag window (what peers have not seen yet),
   * through the windows the check just looked up. Only with live peers: what a replica admits
   * alone has reached a newcomer before it serves (it serves one timeout > heartbeat + 2 lags
   * after it subscribed), so it is never unseen by a peer.
   */
  private noteOwn(limits: readonly BudgetLimit[], amount: number, nowMs: number): void {
    if (this.checkedFor !== limits) return;
    const blind = this.replicas?.blindSince(nowMs);
    for (let i = 0; i < limits.length; i++) this.checked[i]!.add(nowMs, amount, blind);
  }

  private keyOf(limit: BudgetLimit): string {
    let key = this.limitKeys.get(limit);
    if (key === undefined) this.limitKeys.set(limit, (key = counterKey(limit)));
    return key;
  }

  private keysFor(principal: BudgetPrincipal, at: Date): string[] {
    const id = `${principal.org_id}|${principal.team_id}|${principal.key_id}|${principal.agent_id}|${principal.session_id}|${principal.end_user ?? ''}|${Math.floor(at.getTime() / 86_400_000)}`;
    let keys = this.keyCache.get(id);
    if (!keys) {
      if (this.keyCache.size >= 10_000) this.keyCache.clear();
      keys = countersFor(principal, at).map(counterKey);
      this.keyCache.set(id, keys);
    }
    if (principal.session_id) this.sessionTouched.set(keys[keys.length - 1], at.getTime());
    return keys;
  }

  /** Keeps today and yesterday, this month and last month; sessions until idle past retention. */
  private pruneCounters(now: Date): void {
    const dayFloor = periodStart('day', now).getTime() - 86_400_000;
    const m = periodStart('month', now);
    const monthFloor = Date.UTC(m.getUTCFullYear(), m.getUTCMonth() - 1, 1);
    for (const key of this.spentBy.keys()) {
      if (this.reservedBy.has(key)) continue;
      const c = parseCounterKey(key);
      const start = Date.parse(c.period_start);
      const stale =
        c.period === 'day'
          ? start < dayFloor
          : c.period === 'month'
            ? start < monthFloor
            : now.getTime() - (this.sessionTouched.get(key) ?? 0) > this.sessionRetentionMs;
      if (stale) {
        this.spentBy.delete(key);
        this.sessionTouched.delete(key);
      }
    }
  }
}

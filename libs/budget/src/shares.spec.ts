import { budgetLimitsFor } from './budget-limits-for';
import { countersFor, type BudgetLimit } from './budget-limit';
import { ReplicaSet } from './replica-set';
import {
  ReservationBook,
  type RequestAdmittedEvent,
  type RequestCompletedEvent,
} from './reservation-book';
import { replicaShare } from './shares';
import { budgetDocument, principal } from './test-documents';
import { admittedEvent, completedEvent } from './test-events';

describe('replicaShare', () => {
  it('splits what is left equally over the live replicas', () => {
    expect(
      replicaShare({
        limit_micro_usd: 3_000,
        own_micro_usd: 0,
        peers_micro_usd: [0, 0],
        gone_micro_usd: 0,
        unattributed_micro_usd: 0,
      }),
    ).toBe(1_000);
    expect(
      replicaShare({
        limit_micro_usd: 3_001,
        own_micro_usd: 0,
        peers_micro_usd: [900, 0],
        gone_micro_usd: 0,
        unattributed_micro_usd: 0,
      }),
    ).toBe(1_000);
  });

  it('alone, a replica may hold all the budget but what others held (today`s check)', () => {
    expect(
      replicaShare({
        limit_micro_usd: 3_000,
        own_micro_usd: 500,
        peers_micro_usd: [],
        gone_micro_usd: 1_000,
        unattributed_micro_usd: 200,
      }),
    ).toBe(1_800);
  });

  it('a gone replica`s usage leaves the split; a peer over its share (it held more before a join) shrinks mine', () => {
    expect(
      replicaShare({
        limit_micro_usd: 3_000,
        own_micro_usd: 0,
        peers_micro_usd: [0],
        gone_micro_usd: 1_000,
        unattributed_micro_usd: 0,
      }),
    ).toBe(1_000);
    expect(
      replicaShare({
        limit_micro_usd: 3_000,
        own_micro_usd: 0,
        peers_micro_usd: [1_500, 1_000],
        gone_micro_usd: 0,
        unattributed_micro_usd: 0,
      }),
    ).toBe(500);
  });

  it('a restarted replica counts its snapshot`s unattributed spend against itself and bounds each peer by the largest share', () => {
    // 1 200 spent before the restart, by whom the snapshot does not say; the peer now holds 100 more.
    const share = replicaShare({
      limit_micro_usd: 3_000,
      own_micro_usd: 0,
      peers_micro_usd: [100],
      gone_micro_usd: 0,
      unattributed_micro_usd: 1_200,
    });
    expect(share).toBe(300); // 3 000 − 1 200 − max(100, 1 500)
  });
});

/** A small deterministic PRNG (mulberry32), so a failing scenario can be replayed by its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Msg = { at: number; to: string } & (
  | { kind: 'beat'; from: string }
  | { kind: 'event'; event: RequestAdmittedEvent | RequestCompletedEvent }
);

interface Replica {
  id: string;
  set: ReplicaSet;
  book: ReservationBook;
  /** Admits only from then on (joined: one timeout after it started). */
  servesFrom: number;
  stopped: boolean;
  open: Map<string, { amount: number; settleAt: number }>;
}

const T0 = Date.UTC(2026, 2, 14, 9);
const P = principal();

/**
 * N replicas share one daily budget; every event (admission, settlement, heartbeat) reaches a
 * peer after a random lag ≤ LAG; replicas join (from a ledger snapshot) and leave mid-run. The
 * true total held on the budget (reservations + settled cost, actual ≤ reserved) never passes it.
 */
function simulate(seed: number): { peak: number; limit: number; admitted: number } {
  const rand = rng(seed);
  const LAG = 1 + Math.floor(rand() * 200);
  const BEAT = 50;
  const TIMEOUT = BEAT + 2 * LAG + 10; // > heartbeat + two lags (docs/budgets.md: join and leave)
  const budgetUsd = (1_000 + Math.floor(rand() * 20_000)) / 1e6;
  const limits = budgetLimitsFor(
    budgetDocument({ daily_budget_usd: budgetUsd }),
    P,
    new Date(T0),
  ).filter((l) => l.code === 'daily_budget' && l.scope === 'org');
  const limit: BudgetLimit = limits[0]!;
  const maxAmount = Math.max(1, Math.floor(limit.limit_micro_usd / (3 + rand() * 20)));
  const replicas: Replica[] = [];
  let queue: Msg[] = [];
  let held = 0; // the truth: what all replicas hold on the budget
  let settledTotal = 0;
  let peak = 0;
  let admitted = 0;
  let seq = 0;
  const done: string[] = [];
  const openAll = new Map<string, { replica: string; amount: number; at: number }>();

  const send = (
    from: Replica,
    t: number,
    m: { kind: 'beat' } | { kind: 'event'; event: RequestAdmittedEvent | RequestCompletedEvent },
  ) => {
    for (const r of replicas)
      if (r.id !== from.id && !r.stopped)
        queue.push({
          ...m,
          from: from.id,
          to: r.id,
          at: t + Math.floor(rand() * (LAG + 1)),
        } as Msg);
  };
  const start = (t: number) => {
    const id = `r${replicas.length}`;
    const set = new ReplicaSet({ self: id, timeout_ms: TIMEOUT });
    const book = new ReservationBook({ replica_id: id, replicas: set });
    // The ledger snapshot: settled spend per counter (not per replica) and open reservations.
    book.loadSnapshot(
      {
        as_of: null,
        generated_at: new Date(T0 + t).toISOString(),
        positions: [],
        counters: countersFor(P, new Date(T0)).map((c) => ({
          ...c,
          spent_micro_usd: settledTotal,
        })),
        reservations: [...openAll].map(([request_id, o]) => ({
          request_id,
          ...P,
          amount_micro_usd: o.amount,
          admitted_at: new Date(T0 + o.at).toISOString(),
          expires_at: new Date(T0 + 3_600_000).toISOString(),
          replica_id: o.replica,
        })),
        recent_completed_request_ids: [...done],
      },
      T0 + t,
    );
    const r: Replica = { id, set, book, servesFrom: t + TIMEOUT, stopped: false, open: new Map() };
    replicas.push(r);
    send(r, t, { kind: 'beat' });
  };
  const settle = (r: Replica, id: string, t: number) => {
    const o = r.open.get(id)!;
    const actual = Math.floor(o.amount * rand());
    r.book.settle(id, actual, undefined, T0 + t);
    r.open.delete(id);
    openAll.delete(id);
    done.push(id);
    held += actual - o.amount;
    settledTotal += actual;
    send(r, t, {
      kind: 'event',
      event: completedEvent(id, actual, r.id, new Date(T0 + t), P, o.amount),
    });
  };

  const n0 = 2 + Math.floor(rand() * 4);
  for (let i = 0; i < n0; i++) start(0);
  for (const r of replicas) r.servesFrom = 0; // the first ones start together: all know each other at once
  for (const a of replicas) for (const b of replicas) if (a !== b) a.set.heartbeat(b.id, T0);
  const joinAt = rand() < 0.7 ? Math.floor(rand() * 2_000) : -1;
  const leaveAt = rand() < 0.7 ? Math.floor(rand() * 2_000) : -1;

  for (let t = 0; t < 3_000; t++) {
    if (t === joinAt) start(t);
    if (t === leaveAt) {
      const r = replicas.find((x) => !x.stopped)!;
      for (const id of [...r.open.keys()]) settle(r, id, t);
      r.stopped = true; // its last events are already queued: they arrive within one lag
    }
    const due = queue.filter((m) => m.at <= t);
    queue = queue.filter((m) => m.at > t);
    for (const m of due) {
      const r = replicas.find((x) => x.id === m.to)!;
      if (m.kind === 'beat') r.set.heartbeat(m.from, T0 + m.at);
      else r.book.apply(m.event);
    }
    for (const r of replicas) {
      if (r.stopped) continue;
      if (t % BEAT === 0) send(r, t, { kind: 'beat' });
      for (const [id, o] of r.open) if (o.settleAt <= t) settle(r, id, t);
      if (t < r.servesFrom || rand() > 0.3) continue;
      const id = `q${seed}_${seq++}`;
      const amount = 1 + Math.floor(rand() * maxAmount);
      const result = r.book.reserve({
        request_id: id,
        principal: P,
        limits,
        amount_micro_usd: amount,
        at: new Date(T0 + t),
        expires_at: new Date(T0 + 3_600_000),
      });
      if (!result.ok) continue;
      admitted++;
      held += amount;
      r.open.set(id, { amount, settleAt: t + Math.floor(rand() * 300) });
      openAll.set(id, { replica: r.id, amount, at: t });
      send(r, t, {
        kind: 'event',
        event: admittedEvent(id, amount, r.id, new Date(T0 + t), P, 3_600_000),
      });
      peak = Math.max(peak, held);
    }
  }
  return { peak, limit: limit.limit_micro_usd, admitted };
}

describe('replica shares (property: random lags, joins and leaves)', () => {
  it('the replicas together never hold more than the budget, in 300 random runs', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const { peak, limit, admitted } = simulate(seed);
      if (peak > limit) throw new Error(`seed ${seed}: held ${peak} µ$ on a ${limit} µ$ budget`);
      expect(admitted).toBeGreaterThan(0);
    }
  });

  it('two replicas that have not seen each other`s events pass a budget without shares, not with them', () => {
    const book = (id: string) => new ReservationBook({ replica_id: id });
    const limits = budgetLimitsFor(
      budgetDocument({ daily_budget_usd: 0.001 }),
      P,
      new Date(T0),
    ).filter((l) => l.scope === 'org' && l.code === 'daily_budget');
    const [a, b] = [book('a'), book('b')];
    const at = new Date(T0);
    const reserve = (bk: ReservationBook, id: string) =>
      bk.reserve({
        request_id: id,
        principal: P,
        limits,
        amount_micro_usd: 600,
        at,
        expires_at: new Date(T0 + 60_000),
      }).ok;
    expect(reserve(a, 'x')).toBe(true);
    expect(reserve(b, 'y')).toBe(true); // before a's event arrives: 1 200 held on 1 000
    const [sa, sb] = ['a', 'b'].map((id) => new ReplicaSet({ self: id }));
    sa.heartbeat('b', T0);
    sb.heartbeat('a', T0);
    const [c, d] = [
      new ReservationBook({ replica_id: 'a', replicas: sa }),
      new ReservationBook({ replica_id: 'b', replicas: sb }),
    ];
    expect(reserve(c, 'x')).toBe(false); // 600 > its share of 500
    expect(reserve(d, 'y')).toBe(false);
  });
});

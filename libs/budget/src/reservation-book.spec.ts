import { budgetLimitsFor } from './budget-limits-for';
import type { BudgetPrincipal } from './budget-limit';
import { ReservationBook } from './reservation-book';
import { admittedEvent, completedEvent } from './test-events';
import { budgetDocument, principal } from './test-documents';

const T0 = new Date('2026-03-14T12:00:00.000Z');
const later = (ms: number, from = T0) => new Date(from.getTime() + ms);
const $ = (usd: number) => Math.round(usd * 1_000_000);

/** Org $10/day, team $4/day, key unlimited. */
const doc = budgetDocument({ daily_budget_usd: 10, team_budgets: { team_t: 4 } });
const limitsAt = (at: Date, p: BudgetPrincipal = principal()) => budgetLimitsFor(doc, p, at);

function reserve(book: ReservationBook, request_id: string, usd: number, at = T0, p = principal()) {
  return book.reserve({
    request_id,
    principal: p,
    limits: limitsAt(at, p),
    amount_micro_usd: $(usd),
    at,
    expires_at: later(60_000, at),
  });
}

const admitted = (id: string, usd: number, replica: string, at = T0, p = principal()) =>
  admittedEvent(id, $(usd), replica, at, p);
const completed = (id: string, usd: number, replica: string, at = T0, p = principal()) =>
  completedEvent(id, $(usd), replica, at, p);

const orgDay = (book: ReservationBook, at = T0) => book.status(limitsAt(at)[0]);
const teamDay = (book: ReservationBook, at = T0) => book.status(limitsAt(at)[1]);

describe('ReservationBook', () => {
  let book: ReservationBook;
  beforeEach(() => (book = new ReservationBook({ replica_id: 'r1' })));

  describe('reserve', () => {
    it('given room on every level, when reserving, then it holds the amount on every level', () => {
      expect(reserve(book, 'req_1', 1)).toEqual({ ok: true });
      expect(orgDay(book)).toEqual({
        limit_micro_usd: $(10),
        spent_micro_usd: 0,
        reserved_micro_usd: $(1),
        remaining_micro_usd: $(9),
      });
      expect(teamDay(book).reserved_micro_usd).toBe($(1));
    });

    it('given the team budget is the tightest, when a reservation would pass it, then it is refused naming the team budget', () => {
      reserve(book, 'req_1', 3);
      const result = reserve(book, 'req_2', 1.5);
      expect(result).toMatchObject({
        ok: false,
        limit: { scope: 'team', scope_id: 'team_t', code: 'daily_budget' },
        spent_micro_usd: 0,
        reserved_micro_usd: $(3),
        remaining_micro_usd: $(1),
      });
    });

    it('given a refusal, then nothing is held on any level (all or nothing)', () => {
      reserve(book, 'req_1', 3);
      reserve(book, 'req_2', 1.5);
      expect(orgDay(book).reserved_micro_usd).toBe($(3));
      expect(book.reservation('req_2')).toBeNull();
    });

    it('given an exhausted budget, when a zero-cost request comes, then it is refused too', () => {
      reserve(book, 'req_1', 4);
      expect(reserve(book, 'req_2', 0)).toMatchObject({ ok: false, remaining_micro_usd: 0 });
    });

    it('given the same request id twice, then it is held once', () => {
      reserve(book, 'req_1', 1);
      reserve(book, 'req_1', 1);
      expect(orgDay(book).reserved_micro_usd).toBe($(1));
    });

    it('given 200 concurrent requests where the budget admits 50, then at most 50 are admitted and spend never passes the budget', async () => {
      const org = budgetDocument({ daily_budget_usd: 5, team_budgets: {} });
      const limits = budgetLimitsFor(org, principal(), T0);
      const each = $(0.1);
      const admittedIds: string[] = [];
      await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          await new Promise((r) => setImmediate(r));
          const r = book.reserve({
            request_id: `req_${i}`,
            principal: principal(),
            limits,
            amount_micro_usd: each,
            at: T0,
            expires_at: later(60_000),
          });
          if (!r.ok) return;
          admittedIds.push(`req_${i}`);
          await new Promise((r) => setTimeout(r, Math.random() * 5));
          book.settle(`req_${i}`, each - (i % 3), undefined, T0.getTime());
        }),
      );
      expect(admittedIds).toHaveLength(50);
      const s = book.status(limits[0]);
      expect(s.reserved_micro_usd).toBe(0);
      expect(s.spent_micro_usd).toBeLessThanOrEqual($(5));
    });
  });

  describe('end users', () => {
    const users = budgetDocument({ daily_budget_usd: 10, user_budgets: { default_daily_usd: 1 } });
    const reserveAs = (id: string, usd: number, end_user: string) => {
      const p = principal({ end_user });
      return book.reserve({
        request_id: id,
        principal: p,
        limits: budgetLimitsFor(users, p, T0),
        amount_micro_usd: $(usd),
        at: T0,
        expires_at: later(60_000),
      });
    };

    it("given one end user's daily budget is spent, then that user is refused and another still passes", () => {
      expect(reserveAs('req_a1', 0.8, 'alice')).toEqual({ ok: true });
      book.settle('req_a1', $(0.8));
      expect(reserveAs('req_a2', 0.5, 'alice')).toMatchObject({
        ok: false,
        limit: { scope: 'user', scope_id: 'alice', code: 'daily_budget' },
        remaining_micro_usd: $(0.2),
      });
      expect(reserveAs('req_b1', 0.5, 'bob')).toEqual({ ok: true });
    });

    it("given a snapshot (restart) with an end user's spend and open reservation, then both count", () => {
      book.loadSnapshot({
        as_of: null,
        generated_at: T0.toISOString(),
        positions: [],
        counters: [
          {
            org_id: 'org_a',
            scope: 'user',
            scope_id: 'alice',
            period: 'day',
            period_start: '2026-03-14T00:00:00.000Z',
            spent_micro_usd: $(0.5),
          },
        ],
        reservations: [
          {
            request_id: 'req_open',
            ...principal({ end_user: 'alice' }),
            end_user: 'alice',
            amount_micro_usd: $(0.4),
            admitted_at: T0.toISOString(),
            expires_at: later(60_000).toISOString(),
            replica_id: 'r_old',
          },
        ],
        recent_completed_request_ids: [],
      });
      expect(reserveAs('req_a', 0.2, 'alice')).toMatchObject({
        ok: false,
        limit: { scope: 'user', scope_id: 'alice' },
        spent_micro_usd: $(0.5),
        reserved_micro_usd: $(0.4),
      });
      expect(reserveAs('req_b', 0.2, 'bob')).toEqual({ ok: true });
    });

    it("given a peer's admission for an end user, then it counts against that user's budget here", () => {
      book.apply(admittedEvent('req_p', $(0.9), 'r2', T0, principal({ end_user: 'alice' })));
      expect(reserveAs('req_a', 0.2, 'alice')).toMatchObject({ ok: false });
    });
  });

  describe('settle, release, expire', () => {
    it('given a reservation, when settled, then the actual cost replaces it', () => {
      reserve(book, 'req_1', 2);
      book.settle('req_1', $(0.25));
      expect(orgDay(book)).toMatchObject({
        spent_micro_usd: $(0.25),
        reserved_micro_usd: 0,
        remaining_micro_usd: $(9.75),
      });
    });

    it('given a settled request, when settled again (redelivery), then it is not charged twice', () => {
      reserve(book, 'req_1', 2);
      book.settle('req_1', $(0.25));
      book.settle('req_1', $(0.25));
      expect(orgDay(book).spent_micro_usd).toBe($(0.25));
    });

    it('given a reservation, when released, then nothing is charged', () => {
      reserve(book, 'req_1', 2);
      book.release('req_1');
      expect(orgDay(book)).toMatchObject({ spent_micro_usd: 0, reserved_micro_usd: 0 });
    });

    it('given a reservation whose holder died, when its expiry passes, then it is released (not before)', () => {
      reserve(book, 'req_1', 2);
      expect(book.expire(later(59_999))).toBe(0);
      expect(orgDay(book).reserved_micro_usd).toBe($(2));
      expect(book.expire(later(60_000))).toBe(1);
      expect(orgDay(book).reserved_micro_usd).toBe(0);
    });

    it('grow raises an open reservation only while every level has room, all or nothing', () => {
      reserve(book, 'req_1', 1);
      reserve(book, 'req_2', 0.5);
      expect(book.grow('req_1', limitsAt(T0), $(3))).toBe(true);
      expect(teamDay(book)).toMatchObject({
        reserved_micro_usd: $(3.5),
        remaining_micro_usd: $(0.5),
      });
      expect(orgDay(book).reserved_micro_usd).toBe($(3.5));
      expect(book.grow('req_2', limitsAt(T0), $(1.5))).toBe(false); // +1 does not fit the team's 0.5 left
      expect(teamDay(book).reserved_micro_usd).toBe($(3.5));
      expect(book.grow('req_2', limitsAt(T0), $(1))).toBe(true);
      book.settle('req_1', $(2.5));
      expect(teamDay(book)).toMatchObject({ spent_micro_usd: $(2.5), reserved_micro_usd: $(1) });
      expect(book.grow('req_1', limitsAt(T0), $(3))).toBe(false); // settled: nothing to grow
    });
  });

  describe('peers', () => {
    it("given a peer's admission, then its reservation counts against this replica's budgets", () => {
      book.applyPeerAdmitted(admitted('req_p', 3, 'r2'));
      expect(reserve(book, 'req_1', 1.5)).toMatchObject({ ok: false, limit: { scope: 'team' } });
    });

    it("given a peer's completion after its admission, then the actual cost replaces the reservation", () => {
      book.applyPeerAdmitted(admitted('req_p', 3, 'r2'));
      book.applyPeerCompleted(completed('req_p', 0.5, 'r2'));
      expect(teamDay(book)).toMatchObject({ spent_micro_usd: $(0.5), reserved_micro_usd: 0 });
    });

    it('given events out of order (completed, then admitted), then the late admission is ignored', () => {
      book.applyPeerCompleted(completed('req_p', 0.5, 'r2'));
      book.applyPeerAdmitted(admitted('req_p', 3, 'r2'));
      expect(teamDay(book)).toMatchObject({ spent_micro_usd: $(0.5), reserved_micro_usd: 0 });
    });

    it('given redelivered peer events, then each request counts once', () => {
      for (let i = 0; i < 3; i++) {
        book.apply(admitted('req_p', 3, 'r2'));
        book.apply(completed('req_p', 0.5, 'r2'));
      }
      expect(teamDay(book)).toMatchObject({ spent_micro_usd: $(0.5), reserved_micro_usd: 0 });
    });

    it("given this replica's own events coming back from the stream, then they are ignored", () => {
      reserve(book, 'req_1', 1);
      book.apply(admitted('req_1', 1, 'r1'));
      book.settle('req_1', $(1));
      book.apply(completed('req_1', 1, 'r1'));
      expect(teamDay(book)).toMatchObject({ spent_micro_usd: $(1), reserved_micro_usd: 0 });
    });
  });

  describe('periods roll over at UTC midnight and month start', () => {
    it('given the daily budget spent at 23:59:59, when the clock passes midnight, then the new day has the full budget', () => {
      const late = new Date('2026-03-14T23:59:59.000Z');
      const midnight = new Date('2026-03-15T00:00:00.000Z');
      reserve(book, 'req_1', 4, late);
      book.settle('req_1', $(4));
      expect(reserve(book, 'req_2', 0.01, late)).toMatchObject({ ok: false });
      expect(reserve(book, 'req_3', 4, midnight)).toEqual({ ok: true });
      expect(teamDay(book, midnight)).toMatchObject({
        reserved_micro_usd: $(4),
        spent_micro_usd: 0,
      });
    });

    it('given a request started before midnight and settled after, then it is charged to the day it started', () => {
      const late = new Date('2026-03-14T23:59:59.000Z');
      reserve(book, 'req_1', 1, late);
      book.settle('req_1', $(1));
      expect(teamDay(book, late).spent_micro_usd).toBe($(1));
      expect(teamDay(book, new Date('2026-03-15T00:00:01.000Z')).spent_micro_usd).toBe(0);
    });

    it('given a monthly agent budget spent on the 31st, when the month turns, then the new month starts from zero', () => {
      const monthly = budgetDocument({ daily_budget_usd: null }, [
        { id: 'pol_m', scope: 'agent', agent_id: 'agt_x', config: { monthly_limit_usd: 1 } },
      ]);
      const jan31 = new Date('2026-01-31T23:00:00.000Z');
      const feb1 = new Date('2026-02-01T00:00:00.000Z');
      const at = (d: Date, id: string, usd: number) =>
        book.reserve({
          request_id: id,
          principal: principal(),
          limits: budgetLimitsFor(monthly, principal(), d),
          amount_micro_usd: $(usd),
          at: d,
          expires_at: later(60_000, d),
        });
      expect(at(jan31, 'req_1', 1)).toEqual({ ok: true });
      expect(at(jan31, 'req_2', 0.5)).toMatchObject({
        ok: false,
        limit: { code: 'budget_limit', policy_id: 'pol_m', period: 'month' },
      });
      expect(at(feb1, 'req_3', 1)).toEqual({ ok: true });
    });

    it('given counters of past days, when expiring, then they are forgotten (today and yesterday kept)', () => {
      const d1 = new Date('2026-03-12T10:00:00.000Z');
      reserve(book, 'req_1', 1, d1);
      book.settle('req_1', $(1));
      reserve(book, 'req_2', 1, T0);
      book.settle('req_2', $(1));
      book.expire(new Date('2026-03-14T13:00:00.000Z'));
      expect(teamDay(book, d1).spent_micro_usd).toBe(0);
      expect(teamDay(book, T0).spent_micro_usd).toBe($(1));
    });
  });

  describe('loadSnapshot', () => {
    it("given the ledger's snapshot, then spend, open reservations and recently completed requests are restored", () => {
      const [orgLimit, teamLimit] = limitsAt(T0);
      book.loadSnapshot({
        as_of: T0.toISOString(),
        generated_at: T0.toISOString(),
        positions: [],
        counters: [
          { ...teamLimit, spent_micro_usd: $(2) },
          { ...orgLimit, spent_micro_usd: $(7) },
        ].map(({ org_id, scope, scope_id, period, period_start, spent_micro_usd }) => ({
          org_id,
          scope,
          scope_id,
          period,
          period_start,
          spent_micro_usd,
        })),
        reservations: [
          {
            request_id: 'req_open',
            ...principal(),
            amount_micro_usd: $(1),
            admitted_at: T0.toISOString(),
            expires_at: later(60_000).toISOString(),
            replica_id: 'r_dead',
          },
        ],
        recent_completed_request_ids: ['req_done'],
      });
      expect(teamDay(book)).toMatchObject({
        spent_micro_usd: $(2),
        reserved_micro_usd: $(1),
        remaining_micro_usd: $(1),
      });
      expect(orgDay(book).spent_micro_usd).toBe($(7));
      book.apply(completed('req_done', 1, 'r2'));
      expect(teamDay(book).spent_micro_usd).toBe($(2));
      book.apply(completed('req_open', 0.5, 'r_dead'));
      expect(teamDay(book)).toMatchObject({ spent_micro_usd: $(2.5), reserved_micro_usd: 0 });
    });
  });
});

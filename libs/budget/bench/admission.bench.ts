/**
 * The admission path of a gateway replica (`ReservationBook.reserve`, 4 budgets per request: org,
 * team, key, a rule): latency per call far from the limit and near it, alone and with three live
 * replicas (lag shares, docs/budgets.md). 50 calls per millisecond of request time, so lag windows
 * slide as in a busy replica. Near the limit nothing waits: a call admits or refuses with
 * `Retry-After` at once, so the "wait" is the call itself; the share frees up within a quarter lag.
 * `node -r ./tools/register.cjs libs/budget/bench/admission.bench.ts [calls] [lib dir]` — the lib
 * dir (default `../src`) lets the same bench run against an older checkout of `libs/budget`.
 */
import { resolve } from 'node:path';

const CALLS = Number(process.argv[2] ?? 200_000);
const lib = resolve(process.argv[3] ?? `${__dirname}/../src`);
const { budgetLimitsFor } = require(`${lib}/budget-limits-for`);
const { ReplicaSet } = require(`${lib}/replica-set`);
const { ReservationBook } = require(`${lib}/reservation-book`);
const { budgetDocument, principal } = require(`${lib}/test-documents`);

const T0 = Date.now();
const p = principal();

function bench(label: string | null, budgetUsd: number, replicas: number, amount: number): void {
  const set = new ReplicaSet({ self: 'gw-0', timeout_ms: 1e9 });
  for (let i = 1; i < replicas; i++) set.heartbeat(`gw-${i}`, T0);
  const book = new ReservationBook({
    replica_id: 'gw-0',
    replicas: set, // as in the gateway: alone, the set holds only this replica
  });
  const doc = budgetDocument(
    {
      daily_budget_usd: budgetUsd,
      team_budgets: { [p.team_id!]: budgetUsd },
      key_budgets: { [p.key_id]: budgetUsd },
    },
    [{ config: { monthly_limit_usd: budgetUsd } }],
  );
  const limits = budgetLimitsFor(doc, p, new Date(T0));
  const ns = new Float64Array(CALLS);
  let admitted = 0;
  for (let i = 0; i < CALLS; i++) {
    const at = new Date(T0 + Math.floor(i / 50));
    const t0 = process.hrtime.bigint();
    const r = book.reserve({
      request_id: `r${i}`,
      principal: p,
      limits,
      amount_micro_usd: amount,
      at,
      expires_at: new Date(T0 + 600_000),
    });
    ns[i] = Number(process.hrtime.bigint() - t0);
    if (r.ok) {
      admitted++;
      book.settle(`r${i}`, amount); // actual = reserved: the budget fills up
    }
  }
  if (label === null) return; // warm-up
  ns.sort();
  const pct = (q: number) => (ns[Math.min(CALLS - 1, Math.floor(q * CALLS))]! / 1000).toFixed(2);
  process.stdout.write(
    `${label.padEnd(40)} p50 ${pct(0.5)} µs  p99 ${pct(0.99)} µs  max ${pct(1)} µs  (${admitted}/${CALLS} admitted, ${limits.length} budgets)\n`,
  );
}

bench(null, 1e6, 3, 100);
// Far: the budget is never near (10⁶ $); near: it admits about a tenth of the calls' worth.
bench('far from the limit, one replica', 1e6, 1, 100);
bench('far from the limit, 3 live replicas', 1e6, 3, 100);
bench('near the limit, one replica', (CALLS * 100) / 10 / 1e6, 1, 100);
bench('near the limit, 3 live replicas', (CALLS * 100) / 10 / 1e6, 3, 100);

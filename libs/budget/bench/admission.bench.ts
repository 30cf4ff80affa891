/**
 * The admission path of a gateway replica (`ReservationBook.reserve`, 4 budgets per request: org, team, key, a rule):
 * latency per call far from the limit and near it, alone and with replica shares over three
 * live replicas (docs/budgets.md). Near the limit a share never waits: it admits or refuses
 * (`Retry-After`) in the same call, so the "wait" is the call itself.
 * `node -r ./tools/register.cjs libs/budget/bench/admission.bench.ts [calls]`
 */
import { budgetLimitsFor } from '../src/budget-limits-for';
import { ReplicaSet } from '../src/replica-set';
import { ReservationBook } from '../src/reservation-book';
import { budgetDocument, principal } from '../src/test-documents';

const CALLS = Number(process.argv[2] ?? 200_000);
const at = new Date();
const expires = new Date(at.getTime() + 600_000);
const p = principal();

function bench(label: string | null, budgetUsd: number, replicas: number, amount: number): void {
  const set = new ReplicaSet({ self: 'gw-0' });
  for (let i = 1; i < replicas; i++) set.heartbeat(`gw-${i}`, Date.now());
  const book = new ReservationBook({
    replica_id: 'gw-0',
    replicas: replicas > 1 ? set : undefined,
  });
  const doc = budgetDocument(
    {
      daily_budget_usd: budgetUsd,
      team_budgets: { [p.team_id!]: budgetUsd },
      key_budgets: { [p.key_id]: budgetUsd },
    },
    [{ config: { monthly_limit_usd: budgetUsd } }],
  );
  const limits = budgetLimitsFor(doc, p, at);
  const ns = new Float64Array(CALLS);
  let admitted = 0;
  for (let i = 0; i < CALLS; i++) {
    const t0 = process.hrtime.bigint();
    const r = book.reserve({
      request_id: `r${i}`,
      principal: p,
      limits,
      amount_micro_usd: amount,
      at,
      expires_at: expires,
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
    `${label.padEnd(46)} p50 ${pct(0.5)} µs  p99 ${pct(0.99)} µs  max ${pct(1)} µs  (${admitted}/${CALLS} admitted, ${limits.length} budgets)\n`,
  );
}

bench(null, 1e6, 3, 100);
// Far: the budget is never near (10⁶ $); near: it admits about a tenth of the calls, then refuses.
bench('far from the limit, one replica (before)', 1e6, 1, 100);
bench('far from the limit, 3 live replicas (shares)', 1e6, 3, 100);
bench('near the limit, one replica', (CALLS * 100) / 10 / 1e6, 1, 100);
bench('near the limit, 3 live replicas (shares)', (CALLS * 100) / 10 / 1e6, 3, 100);

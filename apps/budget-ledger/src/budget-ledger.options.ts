import type { ServiceRuntime } from '@llmgov/service-kit';

/** What BudgetLedgerModule.forRoot takes: the shared runtime plus the ledger's own settings. */
export interface BudgetLedgerOptions extends ServiceRuntime {
  /** Postgres schema (default `budget_ledger`). */
  schema?: string;
  /** Consume the topics (default true; tests of routes alone may turn it off). */
  consume?: boolean;
  /** Consumer group base name (default `budget-ledger`). */
  group?: string;
  /** If set, `GET /budgets/snapshot` requires `Authorization: Bearer <token>`. */
  snapshotToken?: string | null;
  /** How often expired reservations and old inbox rows are pruned (default 60 s; 0 = never). */
  pruneIntervalMs?: number;
  /** Outbox relay poll interval (default 20 ms). */
  relayIntervalMs?: number;
}

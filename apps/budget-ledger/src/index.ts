export { BudgetLedgerModule, LEDGER_DATA_SOURCE } from './budget-ledger.module';
export type { BudgetLedgerOptions } from './budget-ledger.options';
export { LedgerReader } from './budgets/ledger.reader';
export { LedgerWriter } from './ingest/ledger.writer';

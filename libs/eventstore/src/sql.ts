/** A quoted SQL identifier. Schema names come from config, so they are checked, not trusted. */
export function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/.test(name))
    throw new Error(`not a valid schema or table name: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/**
 * A service's Postgres schema name, to interpolate into SQL: lower-case letters, digits and
 * underscores only (what every service and test schema uses), checked once so it cannot inject.
 */
export function checkedSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  return schema;
}

/** The default schema of each service, each in one place (tests and deployments may override). */
export const SERVICE_SCHEMAS = {
  policyRegistry: 'policy_registry',
  budgetLedger: 'budget_ledger',
  approvalWorkflow: 'approval_workflow',
  audit: 'audit',
} as const;

/**
 * `create table if not exists <schema>.<name> (…)`, one column or constraint a line: how the
 * services' migrations write their tables. `schema` is the quoted, checked schema (`"audit"`).
 */
export const createTable = (schema: string, name: string, columns: readonly string[]): string =>
  `create table if not exists ${schema}.${name} (\n      ${columns.join(',\n      ')}\n    )`;

/** `"schema"."table"`, for raw SQL against one service's schema. */
export const qualified = (schema: string, table: string): string =>
  `${quoteIdent(schema)}.${quoteIdent(table)}`;

/** Postgres unique_violation on the given constraint (pg's error, as wrapped by TypeORM or not). */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as {
    code?: string;
    constraint?: string;
    driverError?: { code?: string; constraint?: string };
  };
  const code = e?.driverError?.code ?? e?.code;
  const name = e?.driverError?.constraint ?? e?.constraint;
  return code === '23505' && name === constraint;
}

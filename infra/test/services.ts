/** The five deployables, their default ports (README) and what each needs from its environment. */
export const SERVICES = {
  gateway: {
    port: 8080,
    env: [
      'PORT',
      'KAFKA_BROKERS',
      'DATABASE_URL',
      'APPROVAL_SERVICE_URL',
      'OTEL_SERVICE_NAME',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
    ],
  },
  'policy-registry': {
    port: 8081,
    env: [
      'PORT',
      'KAFKA_BROKERS',
      'DATABASE_URL',
      'BOOTSTRAP_ADMIN_KEY',
      'OTEL_SERVICE_NAME',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
    ],
  },
  'budget-ledger': {
    port: 8082,
    env: [
      'PORT',
      'KAFKA_BROKERS',
      'DATABASE_URL',
      'OTEL_SERVICE_NAME',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
    ],
  },
  'approval-workflow': {
    port: 8083,
    env: [
      'PORT',
      'KAFKA_BROKERS',
      'DATABASE_URL',
      'OTEL_SERVICE_NAME',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
    ],
  },
  audit: {
    port: 8084,
    env: [
      'PORT',
      'KAFKA_BROKERS',
      'DATABASE_URL',
      'OTEL_SERVICE_NAME',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
    ],
  },
} as const;

export type ServiceName = keyof typeof SERVICES;
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

/** Public paths of CONTRACT.md and the service that must answer each. */
export const PUBLIC_ROUTES: [path: string, service: ServiceName][] = [
  ['/v1/chat/completions', 'gateway'],
  ['/v1/models', 'gateway'],
  ['/v1/governance/explain', 'gateway'],
  ['/governance/orgs', 'policy-registry'],
  ['/governance/keys/key_1', 'policy-registry'],
  ['/governance/agents', 'policy-registry'],
  ['/governance/policies/pol_1', 'policy-registry'],
  ['/governance/agents/agt_1/reviews', 'approval-workflow'],
  ['/gateway/admin/governance/policy', 'policy-registry'],
  ['/api/v1/policies/active', 'policy-registry'],
  ['/api/v1/policies/pv_1/sign', 'policy-registry'],
  ['/budgets/spend', 'budget-ledger'],
  ['/budgets/status', 'budget-ledger'],
  ['/approvals', 'approval-workflow'],
  ['/console/approvals', 'policy-registry'],
  ['/approvals/apr_1/approve', 'approval-workflow'],
  ['/audit/events', 'audit'],
  ['/audit/verify', 'audit'],
];

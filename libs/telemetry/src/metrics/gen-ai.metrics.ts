import { boundChildren, histogram } from './registry';

/**
 * `gen_ai.client.token.usage` and `gen_ai.client.operation.duration` of the GenAI semantic
 * conventions (GEN_AI_SEMCONV_VERSION), in Prometheus spelling, with the buckets the
 * conventions advise. https://github.com/open-telemetry/semantic-conventions/blob/v1.37.0/docs/gen-ai/gen-ai-metrics.md
 */
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

const tokenUsage = histogram({
  name: 'gen_ai_client_token_usage',
  help: 'Number of input and output tokens used per GenAI operation (gen_ai.client.token.usage).',
  labelNames: [
    'gen_ai_operation_name',
    'gen_ai_provider_name',
    'gen_ai_request_model',
    'gen_ai_response_model',
    'gen_ai_token_type',
  ] as const,
  buckets: TOKEN_BUCKETS,
});
const operationDuration = histogram({
  name: 'gen_ai_client_operation_duration_seconds',
  help: 'GenAI operation duration (gen_ai.client.operation.duration).',
  labelNames: [
    'gen_ai_operation_name',
    'gen_ai_provider_name',
    'gen_ai_request_model',
    'gen_ai_response_model',
    'error_type',
  ] as const,
  buckets: DURATION_BUCKETS,
});

const tokenChild = boundChildren(tokenUsage.labels.bind(tokenUsage));
const durationChild = boundChildren(operationDuration.labels.bind(operationDuration));

export interface GenAiOperation {
  provider: string;
  requestModel: string;
  /** Empty when the provider did not say (or the call failed before answering). */
  responseModel?: string;
  operation?: string;
  seconds: number;
  inputTokens?: number;
  outputTokens?: number;
  /** Set when the call failed (`timeout`, `http_503`, an exception's name…). */
  errorType?: string;
}

/** Records one upstream GenAI call: its duration and, when known, its token usage. */
export function recordGenAiOperation(op: GenAiOperation): void {
  const operation = op.operation ?? 'chat';
  const responseModel = op.responseModel ?? '';
  durationChild(operation, op.provider, op.requestModel, responseModel, op.errorType ?? '').observe(
    op.seconds,
  );
  if (op.inputTokens !== undefined)
    tokenChild(operation, op.provider, op.requestModel, responseModel, 'input').observe(
      op.inputTokens,
    );
  if (op.outputTokens !== undefined)
    tokenChild(operation, op.provider, op.requestModel, responseModel, 'output').observe(
      op.outputTokens,
    );
}

import { SpanKind, type Attributes, type Span } from '@opentelemetry/api';
import { NOOP_SPAN, tracer, tracingEnabled, withSpan } from './tracer';

/**
 * The OpenTelemetry GenAI semantic conventions we follow, pinned: v1.37.0 is the first
 * release with `gen_ai.provider.name` (replacing `gen_ai.system`). The conventions are in
 * "development" status, so the names are copied here rather than imported from the
 * incubating entry point (a spec checks they still match the installed package).
 * https://github.com/open-telemetry/semantic-conventions/blob/v1.37.0/docs/gen-ai/gen-ai-spans.md
 */
export const GEN_AI_SEMCONV_VERSION = '1.37.0';

export const GenAiAttributes = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  finishReasons: 'gen_ai.response.finish_reasons',
  tokenType: 'gen_ai.token.type',
  errorType: 'error.type',
  serverAddress: 'server.address',
} as const;

/** Metric names of the same version (`gen_ai.client.*`); Prometheus spells them with `_`. */
export const GenAiMetrics = {
  tokenUsage: 'gen_ai.client.token.usage',
  operationDuration: 'gen_ai.client.operation.duration',
} as const;

export interface ChatCall {
  /** `gen_ai.provider.name`: `openai`, `anthropic`, `groq`, … (our provider id; `mock` for the mock). */
  provider: string;
  /** The model as sent upstream (without our `provider/` prefix). */
  requestModel: string;
  maxTokens?: number;
  serverAddress?: string;
}

export interface ChatOutcome {
  responseModel?: string;
  responseId?: string;
  inputTokens?: number;
  outputTokens?: number;
  finishReasons?: string[];
}

function chatAttributes(call: ChatCall): Attributes {
  const attributes: Attributes = {
    [GenAiAttributes.operationName]: 'chat',
    [GenAiAttributes.providerName]: call.provider,
    [GenAiAttributes.requestModel]: call.requestModel,
  };
  if (call.maxTokens !== undefined) attributes[GenAiAttributes.requestMaxTokens] = call.maxTokens;
  if (call.serverAddress !== undefined)
    attributes[GenAiAttributes.serverAddress] = call.serverAddress;
  return attributes;
}

/**
 * Runs the upstream call in a CLIENT span `chat {model}` (active, so the outgoing HTTP span
 * is its child). Call `recordChatOutcome(span, …)` when usage is known. Prompt and
 * completion text are never recorded.
 */
export function withChatSpan<T>(call: ChatCall, fn: (span: Span) => T): T {
  return withSpan(`chat ${call.requestModel}`, chatAttributes(call), fn, { kind: SpanKind.CLIENT });
}

/**
 * Starts (not activates) a chat span for a streamed answer that outlives the call that
 * opened it; the caller ends it. A no-op span when tracing is off.
 */
export function startChatSpan(call: ChatCall): Span {
  if (!tracingEnabled()) return NOOP_SPAN;
  return tracer.startSpan(`chat ${call.requestModel}`, {
    kind: SpanKind.CLIENT,
    attributes: chatAttributes(call),
  });
}

/** Sets the response attributes of a chat span (the ones known; unknown ones are left out). */
export function recordChatOutcome(span: Span, outcome: ChatOutcome): void {
  if (!span.isRecording()) return;
  if (outcome.responseModel !== undefined)
    span.setAttribute(GenAiAttributes.responseModel, outcome.responseModel);
  if (outcome.responseId !== undefined)
    span.setAttribute(GenAiAttributes.responseId, outcome.responseId);
  if (outcome.inputTokens !== undefined)
    span.setAttribute(GenAiAttributes.inputTokens, outcome.inputTokens);
  if (outcome.outputTokens !== undefined)
    span.setAttribute(GenAiAttributes.outputTokens, outcome.outputTokens);
  if (outcome.finishReasons !== undefined)
    span.setAttribute(GenAiAttributes.finishReasons, outcome.finishReasons);
}

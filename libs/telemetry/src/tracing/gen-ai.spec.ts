import { SpanKind } from '@opentelemetry/api';
import { useInMemoryTracing } from '../testing/use-in-memory-tracing';
import {
  GenAiAttributes,
  GenAiMetrics,
  recordChatOutcome,
  startChatSpan,
  withChatSpan,
} from './gen-ai';

// The incubating entry point is an `exports` subpath, which `moduleResolution: node` cannot type.
const incubating = require('@opentelemetry/semantic-conventions/incubating') as Record<
  string,
  string
>;

describe('GenAI semantic conventions', () => {
  it('pins the same names as the installed semantic-conventions package', () => {
    expect(GenAiAttributes.operationName).toBe(incubating.ATTR_GEN_AI_OPERATION_NAME);
    expect(GenAiAttributes.providerName).toBe(incubating.ATTR_GEN_AI_PROVIDER_NAME);
    expect(GenAiAttributes.requestModel).toBe(incubating.ATTR_GEN_AI_REQUEST_MODEL);
    expect(GenAiAttributes.requestMaxTokens).toBe(incubating.ATTR_GEN_AI_REQUEST_MAX_TOKENS);
    expect(GenAiAttributes.responseModel).toBe(incubating.ATTR_GEN_AI_RESPONSE_MODEL);
    expect(GenAiAttributes.responseId).toBe(incubating.ATTR_GEN_AI_RESPONSE_ID);
    expect(GenAiAttributes.inputTokens).toBe(incubating.ATTR_GEN_AI_USAGE_INPUT_TOKENS);
    expect(GenAiAttributes.outputTokens).toBe(incubating.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS);
    expect(GenAiAttributes.finishReasons).toBe(incubating.ATTR_GEN_AI_RESPONSE_FINISH_REASONS);
    expect(GenAiAttributes.tokenType).toBe(incubating.ATTR_GEN_AI_TOKEN_TYPE);
    expect(GenAiMetrics.tokenUsage).toBe(incubating.METRIC_GEN_AI_CLIENT_TOKEN_USAGE);
    expect(GenAiMetrics.operationDuration).toBe(incubating.METRIC_GEN_AI_CLIENT_OPERATION_DURATION);
  });
});

describe('chat spans', () => {
  const tracing = useInMemoryTracing();

  it('names the upstream call `chat {model}`, kind CLIENT, with request and response attributes', async () => {
    await withChatSpan(
      { provider: 'openai', requestModel: 'gpt-4o', maxTokens: 100 },
      async (span) => {
        recordChatOutcome(span, {
          responseModel: 'gpt-4o-2024-08-06',
          inputTokens: 12,
          outputTokens: 7,
          finishReasons: ['stop'],
        });
      },
    );
    const [span] = tracing.spans();
    expect(span.name).toBe('chat gpt-4o');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.request.max_tokens': 100,
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 7,
      'gen_ai.response.finish_reasons': ['stop'],
    });
  });

  it('leaves out what the provider did not report', () => {
    withChatSpan({ provider: 'mock', requestModel: 'echo' }, (span) =>
      recordChatOutcome(span, { outputTokens: 3 }),
    );
    const [span] = tracing.spans();
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(3);
    expect(span.attributes).not.toHaveProperty('gen_ai.response.model');
    expect(span.attributes).not.toHaveProperty('gen_ai.usage.input_tokens');
  });

  it('starts a span for a stream that the caller ends later', () => {
    const span = startChatSpan({ provider: 'anthropic', requestModel: 'claude-sonnet-4' });
    expect(tracing.spans()).toHaveLength(0);
    recordChatOutcome(span, { finishReasons: ['content_filter'] });
    span.end();
    const [ended] = tracing.spans();
    expect(ended.name).toBe('chat claude-sonnet-4');
    expect(ended.attributes['gen_ai.response.finish_reasons']).toEqual(['content_filter']);
  });
});

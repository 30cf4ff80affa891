import { useInMemoryTracing } from '../testing/use-in-memory-tracing';
import { withGovernanceStep } from './governance';
import { withSpan } from './tracer';

describe('governance.step spans', () => {
  const tracing = useInMemoryTracing();

  it('records step id, number, verdict, code, policy id and version of a refusal', () => {
    const verdict = withGovernanceStep(
      { id: 'model_access', number: 7, policyVersion: 42 },
      () => ({
        kind: 'block',
        code: 'model_allowlist',
        policy_id: 'pol_abc',
      }),
    );
    expect(verdict.kind).toBe('block');
    const [span] = tracing.spansNamed('governance.step');
    expect(span.attributes).toEqual({
      'governance.step.id': 'model_access',
      'governance.step.number': 7,
      'governance.step.verdict': 'block',
      'governance.step.code': 'model_allowlist',
      'governance.policy.id': 'pol_abc',
      'governance.policy.version': 42,
    });
  });

  it('records the verdict of an async step once it resolves, as a child of the request span', async () => {
    await withSpan('POST /v1/chat/completions', {}, () =>
      withGovernanceStep({ id: 'budget', policyVersion: null }, async () => ({
        kind: 'allow',
        policy_id: null,
      })),
    );
    const [step] = tracing.spansNamed('governance.step');
    const [request] = tracing.spansNamed('POST /v1/chat/completions');
    expect(step.attributes).toEqual({
      'governance.step.id': 'budget',
      'governance.step.verdict': 'allow',
    });
    expect(step.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
  });
});

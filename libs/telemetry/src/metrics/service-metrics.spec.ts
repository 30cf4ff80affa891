import { gatewayMetrics } from './gateway.metrics';
import { recordGenAiOperation } from './gen-ai.metrics';
import { approvalsPending, outboxBacklog, policyOrgsInForce } from './platform.metrics';
import { metricsRegistry } from './registry';

const scrape = () => metricsRegistry().metrics();

describe('gateway metrics', () => {
  it('counts requests by outcome, deciding step and code', async () => {
    gatewayMetrics.request('allowed');
    gatewayMetrics.request('allowed');
    gatewayMetrics.request('refused', 'model_access', 'model_allowlist');
    const text = await scrape();
    expect(text).toContain('gateway_requests_total{outcome="allowed",step="none",code="none"} 2');
    expect(text).toContain(
      'gateway_requests_total{outcome="refused",step="model_access",code="model_allowlist"} 1',
    );
  });

  it('observes step and chain durations in sub-millisecond buckets', async () => {
    gatewayMetrics.step('pii_scan', 0.0003);
    gatewayMetrics.chain(0.0009);
    const text = await scrape();
    expect(text).toContain('gateway_step_duration_seconds_bucket{le="0.00025",step="pii_scan"} 0');
    expect(text).toContain('gateway_step_duration_seconds_bucket{le="0.0005",step="pii_scan"} 1');
    expect(text).toContain('gateway_chain_duration_seconds_bucket{le="0.001"} 1');
  });

  it('adds tokens and integer micro-dollar cost per provider and model', async () => {
    gatewayMetrics.usage('openai', 'gpt-4o', 120, 30, 675);
    gatewayMetrics.usage('openai', 'gpt-4o', 10, 0, 25);
    gatewayMetrics.upstream('openai', 'gpt-4o', 'ok', 0.8);
    const text = await scrape();
    expect(text).toContain(
      'gateway_tokens_total{provider="openai",model="gpt-4o",type="input"} 130',
    );
    expect(text).toContain(
      'gateway_tokens_total{provider="openai",model="gpt-4o",type="output"} 30',
    );
    expect(text).toContain('gateway_cost_micro_usd_total{provider="openai",model="gpt-4o"} 700');
    expect(text).toContain(
      'gateway_upstream_duration_seconds_count{provider="openai",model="gpt-4o",outcome="ok"} 1',
    );
  });

  it('records GenAI client token usage and operation duration with semantic-convention labels', async () => {
    recordGenAiOperation({
      provider: 'anthropic',
      requestModel: 'claude-sonnet-4',
      responseModel: 'claude-sonnet-4-20250514',
      seconds: 1.5,
      inputTokens: 100,
      outputTokens: 20,
    });
    const text = await scrape();
    const labels =
      'gen_ai_operation_name="chat",gen_ai_provider_name="anthropic",gen_ai_request_model="claude-sonnet-4",gen_ai_response_model="claude-sonnet-4-20250514"';
    expect(text).toContain(
      `gen_ai_client_token_usage_sum{${labels},gen_ai_token_type="input"} 100`,
    );
    expect(text).toContain(
      `gen_ai_client_token_usage_sum{${labels},gen_ai_token_type="output"} 20`,
    );
    expect(text).toContain(
      `gen_ai_client_operation_duration_seconds_bucket{le="2.56",${labels},error_type=""} 1`,
    );
  });
});

describe('observed gauges', () => {
  it('reads observers at scrape time, one per service, and forgets a removed one', async () => {
    let backlog = 3;
    const removeLedger = outboxBacklog.observe('budget-ledger', () => [
      { labels: { service: 'budget-ledger' }, value: backlog },
    ]);
    outboxBacklog.observe('audit', async () => [{ labels: { service: 'audit' }, value: 0 }]);
    expect(await scrape()).toContain('eventstore_outbox_backlog{service="budget-ledger"} 3');
    backlog = 5;
    expect(await scrape()).toContain('eventstore_outbox_backlog{service="budget-ledger"} 5');
    removeLedger();
    const text = await scrape();
    expect(text).not.toContain('service="budget-ledger"');
    expect(text).toContain('eventstore_outbox_backlog{service="audit"} 0');
  });

  it('keeps answering when an observer throws, leaving its series out and counting the failure', async () => {
    approvalsPending.observe('broken', () => {
      throw new Error('database down');
    });
    approvalsPending.observe('ok', () => [{ labels: {}, value: 2 }]);
    expect(await scrape()).toContain('approvals_pending 2');
    const failures = await metricsRegistry()
      .getSingleMetric('telemetry_observer_errors_total')!
      .get();
    expect(failures.values).toEqual([
      { labels: { metric: 'approvals_pending', observer: 'broken' }, value: 1 },
    ]);
  });

  it('keeps pushed values until overwritten or removed', async () => {
    policyOrgsInForce.set({}, 41);
    policyOrgsInForce.set({}, 42);
    expect(await scrape()).toContain('gateway_policy_orgs_in_force 42');
    policyOrgsInForce.remove({});
    expect(await scrape()).not.toContain('gateway_policy_orgs_in_force 42');
  });
});

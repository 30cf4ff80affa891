import { FixedClock, waitFor } from '@llmgov/testing';
import { startDistributed, type Distributed } from './harness/distributed';
import { admin, chat, OrgAdmin } from './harness/admin';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Periodic human review (issue 6): an agent under `require_human_review` whose review is
 * overdue is refused at the gateway; recording a review at the approval workflow lets it
 * through again once the review event reaches it — across services, over Kafka.
 */
describe('require_human_review across registry, approval workflow and gateway (Kafka + Postgres)', () => {
  const clock = new FixedClock(new Date());
  let env: Distributed;
  let org: OrgAdmin;
  let agentId: string;
  let agentKey: string;

  beforeAll(async () => {
    env = await startDistributed({ audit: false, clock });
    org = await OrgAdmin.create(env.registry.url, env.bootstrapKey);
    agentId = await org.agent('triage-bot', 'production');
    agentKey = (await org.key({ kind: 'gateway', agent_id: agentId, name: 'triage' })).key;
    await org.rule(
      'require_human_review',
      { review_interval_days: 7, on_overdue: 'block' },
      { scope: 'agent', agent_id: agentId },
    );
    await org.untilEnforced(
      env.gateways.map((g) => g.url),
      agentKey,
    );
  }, 300_000);

  afterAll(() => env?.close());

  const ask = () =>
    chat(env.gateways[0].url, agentKey, {
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'status?' }],
    });

  it('allows the agent while its first review is not yet due', async () => {
    expect((await ask()).status).toBe(200);
  });

  it('refuses with human_review_overdue once the interval has passed, and allows again once a recorded review reaches the gateway', async () => {
    clock.advance(8 * DAY);
    const refused = await ask();
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'human_review_overdue',
      step: 'agent_review',
      type: 'policy_violation',
    });

    const review = await admin<{ next_review_due: string }>(
      `${env.approvals!.url}/governance/agents/${agentId}/reviews`,
      org.org.ownerKey,
      { notes: 'weekly review' },
    );
    expect(Date.parse(review.next_review_due)).toBeGreaterThan(clock.now().getTime());

    // How fast it propagates is a benchmark's figure (`npm run bench publish`), not this test's:
    // a wall-clock bound here failed on a loaded machine.
    await waitFor(async () => expect((await ask()).status).toBe(200), {
      timeoutMs: 15_000,
      intervalMs: 20,
    });
  });
});

import OpenAI from 'openai';
import { waitFor } from '@llmgov/testing';
import { OrgAdmin, call } from './harness/admin';
import { startDistributed, type Distributed } from './harness/distributed';

/**
 * `POST /v1/responses` with the official openai client against the distributed deployment
 * (every service its own app, real Kafka, real Postgres): answers, streams, refusals, and the
 * spend the ledger records from the gateway's events, attributed to the `user`.
 */
describe('POST /v1/responses — distributed (real Kafka, real Postgres)', () => {
  let cluster: Distributed;
  let org: OrgAdmin;
  let client: OpenAI;

  beforeAll(async () => {
    cluster = await startDistributed({ approvals: false, audit: false });
    org = await OrgAdmin.create(cluster.registry.url, cluster.bootstrapKey);
    const key = (await org.key({ kind: 'gateway', name: 'responses' })).key;
    await org.untilEnforced([cluster.gateways[0]!.url], key);
    client = new OpenAI({ apiKey: key, baseURL: `${cluster.gateways[0]!.url}/v1`, maxRetries: 0 });
  }, 300_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('answers plain and streamed; the ledger records the spend for the end user', async () => {
    const plain = await client.responses.create({
      model: 'mock/echo',
      input: 'distributed response',
      user: 'dana',
    });
    expect(plain).toMatchObject({ object: 'response', status: 'completed' });
    expect(plain.output_text).toBe('distributed response');

    const stream = await client.responses.create({
      model: 'mock/echo',
      input: 'distributed stream',
      user: 'dana',
      stream: true,
    });
    let text = '';
    let last = '';
    for await (const e of stream) {
      if (e.type === 'response.output_text.delta') text += e.delta;
      last = e.type;
    }
    expect(text).toBe('distributed stream');
    expect(last).toBe('response.completed');

    await waitFor(
      async () => {
        const res = await call(`${cluster.ledger.url}/budgets/spend?group_by=user&period=day`, {
          key: org.org.ownerKey,
        });
        expect(res.status).toBe(200);
        const dana = res.body.data.find((r: { id: string }) => r.id === 'dana');
        expect(dana).toMatchObject({ requests: 2 });
        expect(dana.spent_micro_usd).toBeGreaterThan(0);
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  });

  it("refuses a card number as the SDK's PermissionDeniedError and previous_response_id as a 400", async () => {
    const refused = client.responses.create({
      model: 'mock/echo',
      input: [{ role: 'user', content: 'card 4111 1111 1111 1111' }],
    });
    await expect(refused).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    await expect(refused).rejects.toMatchObject({ status: 403, code: 'pii_detected' });
    await expect(
      client.responses.create({
        model: 'mock/echo',
        input: 'continue',
        previous_response_id: 'resp_abc',
      }),
    ).rejects.toMatchObject({ status: 400, param: 'previous_response_id' });
  });
});

import type { Actor } from '@llmgov/events';
import { deciderSpec } from '@llmgov/testing';
import { evolve, type Approval, type ApprovalEvent } from './approval';
import { decide, type ApprovalCommand, type Decision } from './approval.decide';

const T0 = '2025-01-01T00:00:00.000Z';
const requested: ApprovalEvent = {
  id: 'evt_1',
  type: 'approval.requested',
  source: 'gateway',
  time: T0,
  subject: 'apr_1',
  data: {
    approval_id: 'apr_1',
    org_id: 'org_1',
    team_id: null,
    key_id: 'key_gk',
    agent_id: 'agt_1',
    environment: 'production',
    request_id: 'req_1',
    fingerprint: 'sha256:aaa',
    model: 'gpt-4o',
    provider: 'openai',
    estimated_cost_micro_usd: 1_500_000,
    trigger: {
      kind: 'require_approval',
      policy_id: 'pol_1',
      detail: 'production agents need approval',
    },
    preview: null,
    policy_version: 3,
    requested_at: T0,
    expires_at: '2025-01-02T00:00:00.000Z',
  },
};
const reviewer: Actor = { kind: 'admin_key', id: 'key_reviewer' };
const meta = (now: string) => ({
  event_id: 'evt_new',
  source: 'approval-workflow',
  now: new Date(now),
});
const consume = (
  over: Partial<Extract<ApprovalCommand, { type: 'Consume' }>> = {},
): ApprovalCommand => ({
  type: 'Consume',
  org_id: 'org_1',
  key_id: 'key_gk',
  fingerprint: 'sha256:aaa',
  request_id: 'req_2',
  ...over,
});

/** given(events).when(command, at) over the shared decider spec helper. */
const spec = deciderSpec<Approval | null, ApprovalEvent>({ initialState: () => null, evolve });
const given = (...events: ApprovalEvent[]) => ({
  when: (command: ApprovalCommand, at = '2025-01-01T01:00:00.000Z'): Decision =>
    spec.given(events).when((s) => decide(s, command, meta(at))).decision,
});
const types = (d: Decision) => (d.ok ? d.events.map((e) => e.type) : d.refusal.code);
const grant = (): ApprovalEvent => {
  const d = given(requested).when({ type: 'Approve', reviewer, reason: null, requesters: [] });
  if (!d.ok) throw new Error('grant refused');
  return d.events[0];
};

describe('approval decider', () => {
  it('a pending approval is granted by a reviewer, recording who and when', () => {
    const d = given(requested).when({
      type: 'Approve',
      reviewer,
      reason: 'looks fine',
      requesters: [],
    });
    expect(d).toEqual({
      ok: true,
      events: [
        expect.objectContaining({
          type: 'approval.granted',
          subject: 'apr_1',
          data: {
            approval_id: 'apr_1',
            org_id: 'org_1',
            reviewer,
            reason: 'looks fine',
            decided_at: '2025-01-01T01:00:00.000Z',
          },
        }),
      ],
    });
  });

  it('rejects with the reason', () => {
    const d = given(requested).when({ type: 'Reject', reviewer, reason: 'too expensive' });
    expect(d.ok && d.events[0]).toMatchObject({
      type: 'approval.rejected',
      data: { reason: 'too expensive' },
    });
  });

  it('refuses a second decision', () => {
    expect(types(given(requested, grant()).when({ type: 'Reject', reviewer, reason: 'x' }))).toBe(
      'approval_not_pending',
    );
  });

  it('refuses a decision after the deadline even before the sweeper ran', () => {
    expect(
      types(
        given(requested).when(
          { type: 'Approve', reviewer, reason: null, requesters: [] },
          '2025-01-02T00:00:00.000Z',
        ),
      ),
    ).toBe('approval_expired');
  });

  it('refuses self-approval: the reviewer is the key, or issued the gateway key (admin key or JWT sub)', () => {
    expect(
      types(
        given(requested).when({
          type: 'Approve',
          reviewer: { kind: 'admin_key', id: 'key_gk' },
          reason: null,
          requesters: [],
        }),
      ),
    ).toBe('self_approval');
    expect(
      types(
        given(requested).when({ type: 'Approve', reviewer, reason: null, requesters: [reviewer] }),
      ),
    ).toBe('self_approval');
    const jwt: Actor = { kind: 'jwt', id: 'alice@example.com' };
    expect(
      types(
        given(requested).when({ type: 'Approve', reviewer: jwt, reason: null, requesters: [jwt] }),
      ),
    ).toBe('self_approval');
    expect(types(given(requested).when({ type: 'Reject', reviewer: jwt, reason: 'no' }))).toEqual([
      'approval.rejected',
    ]);
  });

  it('expires a pending approval once its deadline passed, and only then', () => {
    expect(types(given(requested).when({ type: 'Expire' }, '2025-01-01T23:59:59.999Z'))).toEqual(
      [],
    );
    expect(types(given(requested).when({ type: 'Expire' }, '2025-01-02T00:00:00.000Z'))).toEqual([
      'approval.expired',
    ]);
    expect(
      types(given(requested, grant()).when({ type: 'Expire' }, '2025-01-03T00:00:00.000Z')),
    ).toEqual([]);
  });

  describe('consume (the gateway retry)', () => {
    it('a granted approval is consumed by the same org, key and fingerprint', () => {
      const d = given(requested, grant()).when(consume());
      expect(d.ok && d.events[0]).toMatchObject({
        type: 'approval.consumed',
        data: { approval_id: 'apr_1', request_id: 'req_2' },
      });
    });

    it.each([
      ['pending', [requested], consume(), 'approval_pending'],
      ['another key', [requested, 'grant'], consume({ key_id: 'key_other' }), 'approval_denied'],
      ['another org', [requested, 'grant'], consume({ org_id: 'org_2' }), 'approval_denied'],
      [
        'a changed request',
        [requested, 'grant'],
        consume({ fingerprint: 'sha256:bbb' }),
        'approval_denied',
      ],
    ] as const)('refuses when %s', (_name, history, command, code) => {
      const events = history.map((e) => (e === 'grant' ? grant() : e));
      expect(types(given(...events).when(command))).toBe(code);
    });

    it('refuses a rejected, expired, consumed or lapsed approval with approval_denied', () => {
      const at = '2025-01-01T02:00:00.000Z';
      const rejected = given(requested).when({ type: 'Reject', reviewer, reason: 'no' });
      const expired = given(requested).when({ type: 'Expire' }, '2025-01-02T00:00:00.000Z');
      const consumed = given(requested, grant()).when(consume());
      for (const d of [rejected, expired, consumed]) {
        if (!d.ok) throw new Error('setup');
        expect(
          types(
            given(
              requested,
              ...(d === rejected || d === expired ? [] : [grant()]),
              ...d.events,
            ).when(consume(), at),
          ),
        ).toBe('approval_denied');
      }
      expect(types(given(requested, grant()).when(consume(), '2025-01-02T00:00:00.000Z'))).toBe(
        'approval_denied',
      );
      expect(types(given(requested).when(consume(), '2025-01-02T00:00:00.000Z'))).toBe(
        'approval_denied',
      );
    });

    it('answers not_found without a stream', () => {
      expect(types(decide(null, consume(), meta(T0)))).toBe('not_found');
    });
  });
});

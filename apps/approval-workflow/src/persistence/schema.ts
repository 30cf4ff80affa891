/**
 * This service's tables. `events` + `outbox` are its event store (see pg-event-log.ts);
 * `approvals` is the read model of the approval streams and the row every transition locks
 * or conditionally updates (single-use consume, expiry claims); `state` is the folded
 * approval as the API answers it. Idempotent statements: safe on every start.
 */
export function approvalWorkflowSchema(schema: string): string[] {
  const s = `"${schema}"`;
  return [
    `create schema if not exists ${s}`,
    `create table if not exists ${s}.events (
      position bigserial primary key,
      stream_id text not null,
      stream_type text not null,
      version integer not null,
      event_id text not null unique,
      event_type text not null,
      event jsonb not null,
      recorded_at timestamptz not null default now(),
      unique (stream_id, version)
    )`,
    `create table if not exists ${s}.outbox (
      id bigserial primary key,
      topic text not null,
      event jsonb not null,
      published_at timestamptz
    )`,
    `create index if not exists outbox_unpublished on ${s}.outbox (id) where published_at is null`,
    `create table if not exists ${s}.approvals (
      approval_id text primary key,
      org_id text not null,
      key_id text not null,
      agent_id text,
      fingerprint text not null,
      status text not null,
      requested_at timestamptz not null,
      expires_at timestamptz not null,
      version integer not null,
      state jsonb not null
    )`,
    `create index if not exists approvals_queue on ${s}.approvals (org_id, status, requested_at, approval_id)`,
    `create index if not exists approvals_due on ${s}.approvals (expires_at) where status = 'pending'`,
    `create table if not exists ${s}.agent_reviews (
      id text primary key,
      org_id text not null,
      agent_id text not null,
      reviewed_at timestamptz not null,
      review jsonb not null
    )`,
    `create index if not exists agent_reviews_by_agent on ${s}.agent_reviews (org_id, agent_id, reviewed_at desc, id desc)`,
    `create table if not exists ${s}.review_rules (
      org_id text primary key,
      policy_version integer not null,
      rules jsonb not null
    )`,
  ];
}

/**
 * The registry's event store: `events` (one stream per org, `platform` for platform keys;
 * (stream_id, version) unique, so a stale append fails) and `outbox`, written in the same
 * transaction and drained by the relay. Idempotent statements: safe on every start.
 * Stand-in for `@llmgov/eventstore` (not landed when this service was written).
 */
export function registrySchema(schema: string): string[] {
  const s = `"${schema}"`;
  return [
    `create schema if not exists ${s}`,
    `create table if not exists ${s}.events (
      position bigserial primary key,
      stream_id text not null,
      version integer not null,
      event_type text not null,
      data jsonb not null,
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
  ];
}

export {
  EventStore,
  type AppendOptions,
  type AppendResult,
  type EventStoreOptions,
} from './event-store';
export { ConcurrencyError } from './errors';
export type { ExpectedVersion, NewEvent, StoredEvent } from './stored-event';
export { outboxMessage, type OutboxMessage } from './outbox/outbox-message';
export { OutboxRelay, type OutboxRelayOptions } from './outbox/outbox-relay';
export { Inbox } from './inbox';
export {
  rowProjection,
  projectedFromEnvelope,
  type Projection,
  type ProjectedEvent,
  type RowProjectionDefinition,
} from './projections/projection';
export { ProjectionRunner } from './projections/projection-runner';
export { eventstoreMigrations, type MigrationClass } from './migrations/eventstore.migrations';
export { createDataSource, type CreateDataSourceOptions } from './data-source';
export {
  accept,
  andThen,
  isRefused,
  refuse,
  withResult,
  type Refused,
  type Decider,
  type Decision,
  type Refusal,
  type RefusalField,
  type RefusalKind,
} from './decider';
export {
  CommandHandler,
  type AggregateStreams,
  type CommandHandlerOptions,
  type Handled,
} from './command-handler';
export { SERVICE_SCHEMAS, checkedSchema, createTable, qualified, quoteIdent } from './sql';

export {
  FixedClock,
  createTopicsAndWait,
  databaseUrl,
  freePort,
  kafkaBrokers,
  testSchema,
  testTopicPrefix,
  waitFor,
  type TestSchema,
  type WaitForOptions,
} from './fixtures';
export {
  deciderSpec,
  type DecisionLike,
  type DeciderUnderTest,
  type History,
} from './decider-spec';

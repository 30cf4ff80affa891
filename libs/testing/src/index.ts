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

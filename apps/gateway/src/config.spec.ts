import { loadConfig } from './config';

const base = { KAFKA_BROKERS: '127.0.0.1:9092' };

describe('gateway configuration: replica heartbeats', () => {
  it('defaults to a 1 s heartbeat and a 3 s timeout', () => {
    expect(loadConfig(base)).toMatchObject({
      REPLICA_HEARTBEAT_MS: 1_000,
      REPLICA_TIMEOUT_MS: 3_000,
    });
  });

  it('refuses a timeout that is not longer than the heartbeat, naming the variable', () => {
    expect(() =>
      loadConfig({ ...base, REPLICA_HEARTBEAT_MS: '2000', REPLICA_TIMEOUT_MS: '2000' }),
    ).toThrow(/REPLICA_TIMEOUT_MS: must exceed REPLICA_HEARTBEAT_MS/);
  });
});

export * from './provider-gate';
export * from './model-access';
export * from './routing-pool';
export * from './budget';
export * from './hitl-gate';
export * from './rate-buckets';
export * from './pii-actions';

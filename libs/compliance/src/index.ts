export * from './model';
export * from './checks';
export * from './evaluate';
export * from './patch';
export * from './remediations';
export { agentTier } from './policy-facts';
export { MIN_RETENTION_DAYS } from './checks/art12-record-keeping.check';

import { tenancyTopic } from './tenancy.events';
import { policyTopic } from './policy.events';
import { requestsTopic, policyViolatedTopic, replicasTopic } from './gateway.events';
import { budgetTopic } from './budget.events';
import { approvalsTopic, agentReviewsTopic } from './approval.events';

/** Every topic of the product, for topic creation, AsyncAPI and the audit sink. */
export const allTopics = [
  tenancyTopic,
  policyTopic,
  requestsTopic,
  policyViolatedTopic,
  budgetTopic,
  approvalsTopic,
  agentReviewsTopic,
] as const;

/**
 * Topics internal to one service's replicas (gateway heartbeats): documented in AsyncAPI,
 * but not audited, not persisted by the embedded event log, not read by other services.
 */
export const internalTopics = [replicasTopic] as const;

/** Every topic AsyncAPI documents. */
export const documentedTopics = [...allTopics, ...internalTopics] as const;

export type AnyTopic = (typeof allTopics)[number];

import { tenancyTopic } from './tenancy.events';
import { policyTopic } from './policy.events';
import { requestsTopic, policyViolatedTopic } from './gateway.events';
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

export type AnyTopic = (typeof allTopics)[number];

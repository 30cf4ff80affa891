import type { Actor } from '@llmgov/events';
import type { ReviewStatus as ScheduleStatus } from '@llmgov/policy-schema';

/** The schedule itself (rules → requirement → due date) lives once, in `@llmgov/policy-schema`. */
export {
  nextReviewDue,
  requirementFor,
  reviewStatus,
  type ReviewRequirement,
  type ReviewRule,
  type ReviewedAgent as AgentRef,
} from '@llmgov/policy-schema';

export interface AgentReview {
  id: string;
  org_id: string;
  agent_id: string;
  reviewer: Actor;
  notes: string | null;
  reviewed_at: string;
  next_review_due: string | null;
}

export type ReviewStatus = ScheduleStatus<AgentReview>;

export {
  ApprovalWorkflowModule,
  APPROVAL_DATA_SOURCE,
  type ApprovalWorkflowOptions,
} from './approval-workflow.module';
export { ApprovalService } from './approvals/approval.service';
export type { Approval, ApprovalStatus } from './approvals/approval';
export type { ReviewStatus, AgentReview } from './reviews/agent-review';

import type { Approval } from './approval';

/**
 * Wakes long-polls (`GET /approvals/:id?wait=N`) when an approval leaves `pending` on this
 * replica or its event arrives from another one; callers also re-read on their own timer,
 * so a missed wake-up only costs latency.
 */
export class ApprovalWaiters {
  private readonly waiters = new Map<string, Set<() => void>>();

  notify(approvalId: string): void {
    const set = this.waiters.get(approvalId);
    if (!set) return;
    this.waiters.delete(approvalId);
    for (const wake of set) wake();
  }

  /** Resolves on the next notify for this id, or after `ms`. */
  wait(approvalId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(approvalId) ?? new Set<() => void>();
      this.waiters.set(approvalId, set);
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0 && this.waiters.get(approvalId) === set) this.waiters.delete(approvalId);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      set.add(wake);
    });
  }

  /** Re-reads until `read` answers something not pending, or `ms` passed. */
  async until(
    approvalId: string,
    ms: number,
    read: () => Promise<Approval | null>,
    pollMs = 500,
  ): Promise<Approval | null> {
    const deadline = Date.now() + ms;
    let current = await read();
    while (current?.status === 'pending' && Date.now() < deadline) {
      await this.wait(approvalId, Math.min(pollMs, deadline - Date.now()));
      current = await read();
    }
    return current;
  }
}

/** The admin success body of CONTRACT.md: `{"success": true, "data": …}` (lists add `next_cursor`). */
export const ok = <T>(data: T) => ({ success: true as const, data });
export const okList = <T>(data: T[], next_cursor: string | null = null) => ({
  success: true as const,
  data,
  next_cursor,
});

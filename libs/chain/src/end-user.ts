import type { ChatRequest } from './request';

/**
 * The request's end user: OpenAI's `user` (`/v1/messages` maps `metadata.user_id` to it),
 * trimmed, at most 256 characters; null when absent or blank.
 */
export function endUserOf(request: ChatRequest | null | undefined): string | null {
  const user = (request as { user?: unknown } | null | undefined)?.user;
  return typeof user === 'string' && user.trim() ? user.trim().slice(0, 256) : null;
}

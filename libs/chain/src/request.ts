/** One part of a multi-part message content; only `text` parts are read, the rest pass through untouched. */
export interface ContentPart {
  type: string;
  text?: string;
  [k: string]: unknown;
}

export interface ChatMessage {
  role: string;
  content?: string | ContentPart[] | null;
  [k: string]: unknown;
}

/**
 * An OpenAI Chat Completions request as the gateway reads it. Unknown fields are kept and
 * forwarded unchanged (tools, response_format, …). `fallbacks` (gateway extension) names
 * the models to try, in order, when the first one times out or fails with a 5xx.
 */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  /** Choices to generate (OpenAI, ≤ 128); each may spend the maximum output. */
  n?: number | null;
  /** Candidates generated server-side, where a provider has it (vLLM); each may spend the maximum output. */
  best_of?: number | null;
  tools?: unknown[];
  metadata?: Record<string, unknown> | null;
  fallbacks?: string[];
  [k: string]: unknown;
}

/** Governance metadata of a request, from `x-*` headers or the body's `metadata` object. */
export interface RequestMeta {
  agent_id: string | null;
  team_id: string | null;
  environment: string | null;
  purpose: string | null;
  user_consent_id: string | null;
  session_id: string | null;
  tags: string[];
  approval_id: string | null;
}

/** Metadata with nothing set: what a request without `x-*` headers or `metadata` carries. */
export const emptyMeta = (): RequestMeta => ({
  agent_id: null,
  team_id: null,
  environment: null,
  purpose: null,
  user_consent_id: null,
  session_id: null,
  tags: [],
  approval_id: null,
});

/** The text of a message content: a string, or its `text` parts joined by newlines. */
function contentText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((p) => p && p.type === 'text' && typeof p.text === 'string')
    .map((p) => p.text)
    .join('\n');
}

/** The text of the last user message ('' when there is none). */
export function lastUserText(request: ChatRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const m = request.messages[i]!;
    if (m.role === 'user') return contentText(m.content);
  }
  return '';
}

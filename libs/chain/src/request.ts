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

/** Applies `fn` to every text of a request (string contents and `text` parts), keeping its shape. */
export function mapTexts(request: ChatRequest, fn: (text: string) => string): ChatRequest {
  let changed = false;
  const messages = request.messages.map((m) => {
    if (typeof m.content === 'string') {
      const next = fn(m.content);
      if (next === m.content) return m;
      changed = true;
      return { ...m, content: next };
    }
    if (Array.isArray(m.content)) {
      let partChanged = false;
      const parts = m.content.map((p) => {
        if (p && p.type === 'text' && typeof p.text === 'string') {
          const next = fn(p.text);
          if (next !== p.text) {
            partChanged = true;
            return { ...p, text: next };
          }
        }
        return p;
      });
      if (!partChanged) return m;
      changed = true;
      return { ...m, content: parts };
    }
    return m;
  });
  return changed ? { ...request, messages } : request;
}

/** Every text of a request, in order (for scanners). */
export function textsOf(request: ChatRequest): string[] {
  const out: string[] = [];
  for (const m of request.messages) {
    if (typeof m.content === 'string') out.push(m.content);
    else if (Array.isArray(m.content))
      for (const p of m.content)
        if (p && p.type === 'text' && typeof p.text === 'string') out.push(p.text);
  }
  return out;
}

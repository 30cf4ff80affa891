import type { ChatMessage, ChatRequest, ContentPart } from '@llmgov/chain';
import { DEFAULT_MAX_OUTPUT_TOKENS } from '../chain/cost';
import type { ChatChunk, ChatCompletion, Usage } from './provider';

/** Anthropic Messages API shapes (https://docs.anthropic.com/en/api/messages), as far as the translation reads them. */
type Block = {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: unknown;
  source?: unknown;
};
interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: Block[];
}
export interface AnthropicResponse {
  id: string;
  model: string;
  content: Block[];
  stop_reason: string | null;
  usage: { input_tokens: number; output_tokens: number };
}

const STOP: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};
export const finishReason = (stop: string | null | undefined): string | null =>
  stop ? (STOP[stop] ?? 'stop') : null;

function partsToBlocks(content: ChatMessage['content']): Block[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  if (!Array.isArray(content)) return [];
  return content.map((p: ContentPart): Block => {
    if (p.type === 'text') return { type: 'text', text: p.text ?? '' };
    if (p.type === 'image_url') {
      const url = String((p.image_url as { url?: string } | undefined)?.url ?? '');
      const m = /^data:([^;]+);base64,(.*)$/.exec(url);
      return {
        type: 'image',
        source: m ? { type: 'base64', media_type: m[1], data: m[2] } : { type: 'url', url },
      };
    }
    return { type: 'text', text: '' };
  });
}

/** Chat Completions request → Messages request: system messages lifted, tools and tool results mapped. */
export function toAnthropic(
  req: ChatRequest,
  model: string,
  stream: boolean,
): Record<string, unknown> {
  const system: string[] = [];
  const messages: AnthropicMessage[] = [];
  const push = (role: 'user' | 'assistant', blocks: Block[]) => {
    const last = messages[messages.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };
  for (const m of req.messages) {
    if (m.role === 'system' || m.role === 'developer') {
      system.push(
        typeof m.content === 'string'
          ? m.content
          : partsToBlocks(m.content)
              .map((b) => b.text ?? '')
              .join('\n'),
      );
    } else if (m.role === 'tool') {
      push('user', [
        {
          type: 'tool_result',
          tool_use_id: String(m.tool_call_id ?? ''),
          content: typeof m.content === 'string' ? m.content : partsToBlocks(m.content),
        },
      ]);
    } else if (m.role === 'assistant') {
      const blocks = partsToBlocks(m.content);
      for (const call of (m.tool_calls as
        { id: string; function: { name: string; arguments: string } }[] | undefined) ?? []) {
        let input: unknown = {};
        try {
          input = JSON.parse(call.function.arguments || '{}');
        } catch {
          input = {};
        }
        blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input });
      }
      push('assistant', blocks);
    } else {
      push('user', partsToBlocks(m.content));
    }
  }
  const body: Record<string, unknown> = {
    model,
    messages,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
    stream,
  };
  if (system.length) body.system = system.join('\n\n');
  for (const k of ['temperature', 'top_p'] as const)
    if (typeof req[k] === 'number') body[k] = req[k];
  if (req.stop !== undefined && req.stop !== null)
    body.stop_sequences = Array.isArray(req.stop) ? req.stop : [req.stop];
  if (Array.isArray(req.tools) && req.tools.length) {
    body.tools = (
      req.tools as { function?: { name: string; description?: string; parameters?: unknown } }[]
    )
      .filter((t) => t.function)
      .map((t) => ({
        name: t.function!.name,
        description: t.function!.description,
        input_schema: t.function!.parameters ?? { type: 'object', properties: {} },
      }));
    const choice = req.tool_choice as string | { function?: { name: string } } | undefined;
    if (choice === 'required') body.tool_choice = { type: 'any' };
    else if (choice === 'none') body.tool_choice = { type: 'none' };
    else if (typeof choice === 'object' && choice?.function)
      body.tool_choice = { type: 'tool', name: choice.function.name };
  }
  return body;
}

const usageOf = (input: number, output: number): Usage => ({
  prompt_tokens: input,
  completion_tokens: output,
  total_tokens: input + output,
});

/** Messages response → chat completion. */
export function fromAnthropic(
  res: AnthropicResponse,
  model: string,
  created: number,
): ChatCompletion {
  const text = res.content
    .filter((b) => b.type === 'text')
    .map((b) => b.text ?? '')
    .join('');
  const toolCalls = res.content
    .filter((b) => b.type === 'tool_use')
    .map((b) => ({
      id: b.id!,
      type: 'function',
      function: { name: b.name!, arguments: JSON.stringify(b.input ?? {}) },
    }));
  const message: ChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: text || (toolCalls.length ? null : ''),
  };
  if (toolCalls.length) message.tool_calls = toolCalls;
  return {
    id: res.id,
    object: 'chat.completion',
    created,
    model,
    choices: [{ index: 0, message, finish_reason: finishReason(res.stop_reason), logprobs: null }],
    usage: usageOf(res.usage.input_tokens, res.usage.output_tokens),
  };
}

/** Folds Messages stream events into chat completion chunks (one translator per stream). */
export class AnthropicStreamTranslator {
  private id = '';
  private input = 0;
  private output = 0;
  private readonly toolIndex = new Map<number, number>();

  constructor(
    private readonly model: string,
    private readonly created: number,
  ) {}

  private chunk(
    delta: ChatChunk['choices'][number]['delta'],
    finish: string | null = null,
  ): ChatChunk {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    };
  }

  /** The chunks one event yields (zero or more). */
  translate(type: string, e: Record<string, any>): ChatChunk[] {
    switch (type) {
      case 'message_start':
        this.id = e.message?.id ?? 'msg';
        this.input = e.message?.usage?.input_tokens ?? 0;
        return [this.chunk({ role: 'assistant', content: '' })];
      case 'content_block_start':
        if (e.content_block?.type === 'tool_use') {
          const i = this.toolIndex.size;
          this.toolIndex.set(e.index, i);
          return [
            this.chunk({
              tool_calls: [
                {
                  index: i,
                  id: e.content_block.id,
                  type: 'function',
                  function: { name: e.content_block.name, arguments: '' },
                },
              ],
            }),
          ];
        }
        return [];
      case 'content_block_delta':
        if (e.delta?.type === 'text_delta') return [this.chunk({ content: e.delta.text })];
        if (e.delta?.type === 'input_json_delta')
          return [
            this.chunk({
              tool_calls: [
                {
                  index: this.toolIndex.get(e.index) ?? 0,
                  function: { arguments: e.delta.partial_json },
                },
              ],
            }),
          ];
        return [];
      case 'message_delta':
        this.output = e.usage?.output_tokens ?? this.output;
        return e.delta?.stop_reason ? [this.chunk({}, finishReason(e.delta.stop_reason))] : [];
      case 'message_stop':
        return [
          {
            id: this.id,
            object: 'chat.completion.chunk',
            created: this.created,
            model: this.model,
            choices: [],
            usage: usageOf(this.input, this.output),
          },
        ];
      default:
        return [];
    }
  }
}

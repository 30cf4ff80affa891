import type { Provider, UpstreamCall, UpstreamResult, ChatChunk } from './provider';
import {
  AnthropicStreamTranslator,
  fromAnthropic,
  toAnthropic,
  type AnthropicResponse,
} from './anthropic.translate';
import { sseJsonBatches } from './sse';
import { Pool } from './undici';

export interface AnthropicOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
}

/** Anthropic Messages API, translated to and from Chat Completions (streaming included). */
export class AnthropicProvider implements Provider {
  readonly name = 'anthropic';
  private readonly pool: Pool;
  private readonly path: string;

  constructor(private readonly options: AnthropicOptions) {
    const url = new URL(options.baseUrl);
    this.pool = new Pool(url.origin, {
      connections: 64,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const base = url.pathname.replace(/\/$/, '');
    this.path = `${base.endsWith('/v1') ? base : `${base}/v1`}/messages`;
  }

  async complete(call: UpstreamCall): Promise<UpstreamResult> {
    const model = call.request.model;
    let res;
    try {
      res = await this.pool.request({
        method: 'POST',
        path: this.path,
        headers: {
          'content-type': 'application/json',
          'x-api-key': this.options.apiKey,
          'anthropic-version': '2023-06-01',
        },
        body: JSON.stringify(toAnthropic(call.request, model, call.stream)),
        signal: call.signal,
      });
    } catch (err) {
      return {
        kind: 'error',
        status: 504,
        message: `anthropic did not answer: ${(err as Error).message}`,
        retryable: true,
      };
    }
    if (res.statusCode >= 400) {
      const upstream_body = await res.body.json().catch(() => null);
      return {
        kind: 'error',
        status: res.statusCode,
        message: `anthropic answered ${res.statusCode}`,
        retryable: res.statusCode >= 500 || res.statusCode === 429 || res.statusCode === 529,
        upstream_body,
      };
    }
    const created = Math.floor(Date.now() / 1000);
    if (!call.stream) {
      try {
        return {
          kind: 'json',
          body: fromAnthropic((await res.body.json()) as AnthropicResponse, model, created),
        };
      } catch (err) {
        if (call.signal.aborted) {
          return {
            kind: 'error',
            status: 504,
            message: 'anthropic did not finish in time',
            retryable: false,
          };
        }
        const message = `anthropic answered malformed JSON: ${(err as Error).message}`;
        return { kind: 'error', status: 502, message, retryable: true };
      }
    }
    const body = res.body;
    const translator = new AnthropicStreamTranslator(model, created);
    return {
      kind: 'stream',
      chunks: (async function* (): AsyncGenerator<ChatChunk[]> {
        for await (const batch of sseJsonBatches(body)) {
          const out: ChatChunk[] = [];
          for (const { event, json } of batch)
            out.push(...translator.translate(event ?? String(json.type), json));
          if (out.length) yield out;
        }
      })(),
    };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

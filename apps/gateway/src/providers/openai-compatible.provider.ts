import type { NativeCall, NativeResult, Provider, UpstreamCall, UpstreamResult } from './provider';
import { upstreamBody } from './provider';
import { sseJsonBatches } from './sse';
import type { EmbedCall, EmbedResult, EmbeddingProvider, EmbeddingsResponse } from './embeddings';
import { Pool } from './undici';

export interface OpenAiCompatibleOptions {
  name: string;
  /** Up to and including the version segment, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey: string | null;
  timeoutMs: number;
  connections?: number;
}

/** Any OpenAI-compatible Chat Completions endpoint (OpenAI, Groq, vLLM, Ollama…) over a keep-alive undici Pool. */
export class OpenAiCompatibleProvider implements Provider, EmbeddingProvider {
  readonly name: string;
  private readonly pool: Pool;
  private readonly path: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: OpenAiCompatibleOptions) {
    this.name = options.name;
    const url = new URL(options.baseUrl);
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 64,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    this.path = `${url.pathname.replace(/\/$/, '')}/chat/completions`;
    this.headers = {
      'content-type': 'application/json',
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    };
  }

  async complete(call: UpstreamCall): Promise<UpstreamResult> {
    const body = upstreamBody(call.request, call.request.model, call.stream);
    return (await this.post(this.path, body, call.stream, call.signal)) as UpstreamResult;
  }

  /**
   * `POST <base>/responses` (the Responses API, which only OpenAI itself speaks): the body as
   * given, the answer as the upstream sent it (a Response object or its typed events).
   */
  respond(call: NativeCall): Promise<NativeResult> {
    const path = this.path.replace(/\/chat\/completions$/, '/responses');
    return this.post(path, call.body, call.stream, call.signal);
  }

  private async post(
    path: string,
    payload: unknown,
    stream: boolean,
    signal: AbortSignal,
  ): Promise<NativeResult> {
    let res;
    try {
      res = await this.pool.request({
        method: 'POST',
        path,
        headers: stream ? { ...this.headers, accept: 'text/event-stream' } : this.headers,
        body: JSON.stringify(payload),
        signal,
      });
    } catch (err) {
      const message = `${this.name} did not answer: ${(err as Error).message}`;
      return { kind: 'error', status: 504, message, retryable: !signal.aborted };
    }
    if (res.statusCode >= 400) {
      const text = await res.body.text().catch(() => '');
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return {
        kind: 'error',
        status: res.statusCode,
        message: `${this.name} answered ${res.statusCode}`,
        retryable: res.statusCode >= 500 || res.statusCode === 429,
        upstream_body: parsed,
      };
    }
    if (!stream) {
      try {
        return { kind: 'json', body: (await res.body.json()) as Record<string, unknown> };
      } catch (err) {
        // Aborted mid-body: the request deadline passed (or the client left) while the answer trickled in.
        if (signal.aborted) {
          return {
            kind: 'error',
            status: 504,
            message: `${this.name} did not finish in time`,
            retryable: false,
          };
        }
        return {
          kind: 'error',
          status: 502,
          message: `${this.name} answered malformed JSON: ${(err as Error).message}`,
          retryable: true,
        };
      }
    }
    const body = res.body;
    return {
      kind: 'stream',
      chunks: (async function* () {
        for await (const batch of sseJsonBatches(body)) yield batch.map((e) => e.json);
      })(),
    };
  }

  /** `POST <base>/embeddings`, non-streamed; errors as for chat completions. */
  async embed(call: EmbedCall): Promise<EmbedResult> {
    const { signal, ...body } = call;
    let res;
    try {
      const path = this.path.replace(/\/chat\/completions$/, '/embeddings');
      const payload = JSON.stringify(body);
      res = await this.pool.request({
        method: 'POST',
        path,
        headers: this.headers,
        body: payload,
        signal,
      });
    } catch (err) {
      const message = `${this.name} did not answer: ${(err as Error).message}`;
      return { kind: 'error', status: 504, message, retryable: !signal.aborted };
    }
    const parsed = await res.body.json().catch(() => null);
    if (res.statusCode >= 400) {
      const retryable = res.statusCode >= 500 || res.statusCode === 429;
      const message = `${this.name} answered ${res.statusCode}`;
      return { kind: 'error', status: res.statusCode, message, retryable, upstream_body: parsed };
    }
    if (!parsed) {
      const message = `${this.name} answered malformed JSON`;
      return {
        kind: 'error',
        status: signal.aborted ? 504 : 502,
        message,
        retryable: !signal.aborted,
      };
    }
    return { kind: 'json', body: parsed as EmbeddingsResponse };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

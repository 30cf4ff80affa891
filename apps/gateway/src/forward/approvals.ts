import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { request } from 'undici';
import type { ChatRequest } from '@llmgov/chain';

/** sha256 over the canonical {model, messages, tools, max_tokens}: binds an approval to one request. */
export function fingerprintOf(r: ChatRequest): string {
  const json =
    canonicalize({
      model: r.model,
      messages: r.messages,
      tools: r.tools ?? null,
      max_tokens: r.max_completion_tokens ?? r.max_tokens ?? null,
    }) ?? '';
  return `sha256:${createHash('sha256').update(json).digest('hex')}`;
}

export type ConsumeResult = { ok: true } | { ok: false; code: string; message: string };

/**
 * Consumes an approval at the approval service, atomically and once across replicas — the
 * one documented remote call on the gateway's path (a rare retry, not every request).
 * The caller's own gateway key authenticates it.
 */
export async function consumeApproval(
  baseUrl: string,
  approvalId: string,
  secret: string,
  fingerprint: string,
  requestId: string,
  signal: AbortSignal,
): Promise<ConsumeResult> {
  try {
    const res = await request(
      `${baseUrl.replace(/\/$/, '')}/approvals/${encodeURIComponent(approvalId)}/consume`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ fingerprint, request_id: requestId }),
        signal,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      },
    );
    const body = (await res.body.json().catch(() => null)) as {
      success?: boolean;
      data?: { status?: string };
      error?: { code?: string; message?: string };
    } | null;
    if (res.statusCode === 200 && body?.success && body.data?.status === 'consumed')
      return { ok: true };
    return {
      ok: false,
      code: body?.error?.code ?? 'approval_denied',
      message: body?.error?.message ?? `approval ${approvalId} cannot be used (${res.statusCode})`,
    };
  } catch (err) {
    return {
      ok: false,
      code: 'approval_denied',
      message: `approval service unreachable: ${(err as Error).message}`,
    };
  }
}

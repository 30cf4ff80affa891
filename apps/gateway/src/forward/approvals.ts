import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { ChatRequest } from '@llmgov/chain';
import { Agent } from '../providers/undici';

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

/** The approval a call is about, at the approval service, and the caller's gateway key. */
export interface ApprovalAt {
  baseUrl: string;
  approvalId: string;
  secret: string;
  signal: AbortSignal;
}

/** The approval service's method for each sub-resource the gateway calls. */
const METHOD = { consume: 'POST', 'held-answer': 'PUT' } as const;

/** Keep-alive connections to the approval service, opened at the first approved retry. */
let approvalAgent: Agent | undefined;

/** One call to an approval's sub-resource, authenticated by the caller's gateway key. */
function approvalCall(at: ApprovalAt, action: keyof typeof METHOD, body: unknown) {
  const url = new URL(
    `${at.baseUrl.replace(/\/$/, '')}/approvals/${encodeURIComponent(at.approvalId)}/${action}`,
  );
  approvalAgent ??= new Agent();
  return approvalAgent.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: METHOD[action],
    headers: { 'content-type': 'application/json', authorization: `Bearer ${at.secret}` },
    body: JSON.stringify(body),
    signal: at.signal,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
}

/** `held_answer`: the sealed answer the confidence gate held under this approval, if any. */
export type ConsumeResult =
  { ok: true; held_answer: string | null } | { ok: false; code: string; message: string };

/**
 * Consumes an approval at the approval service, atomically and once across replicas — the
 * one documented remote call on the gateway's path (a rare retry, not every request).
 * The caller's own gateway key authenticates it.
 */
export async function consumeApproval(
  at: ApprovalAt,
  fingerprint: string,
  requestId: string,
): Promise<ConsumeResult> {
  try {
    const res = await approvalCall(at, 'consume', { fingerprint, request_id: requestId });
    const body = (await res.body.json().catch(() => null)) as {
      success?: boolean;
      data?: { status?: string; held_answer?: string | null };
      error?: { code?: string; message?: string };
    } | null;
    if (res.statusCode === 200 && body?.success && body.data?.status === 'consumed')
      return { ok: true, held_answer: body.data.held_answer ?? null };
    return {
      ok: false,
      code: body?.error?.code ?? 'approval_denied',
      message:
        body?.error?.message ?? `approval ${at.approvalId} cannot be used (${res.statusCode})`,
    };
  } catch (err) {
    return {
      ok: false,
      code: 'approval_denied',
      message: `approval service unreachable: ${(err as Error).message}`,
    };
  }
}

/**
 * Hands an answer the confidence gate held to the approval service, sealed (confidence.ts):
 * kept there until the approval is consumed (then returned once), rejected or expired (then
 * deleted). The caller's gateway key authenticates it. False when it could not be stored.
 */
export async function storeHeldAnswer(
  at: ApprovalAt,
  sealed: string,
  expiresAt: Date,
): Promise<boolean> {
  try {
    const res = await approvalCall(at, 'held-answer', {
      sealed,
      expires_at: expiresAt.toISOString(),
    });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

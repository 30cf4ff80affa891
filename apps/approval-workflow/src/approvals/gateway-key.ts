import { UnauthorizedError, type KeyRecord, type TenancyDirectory } from '@llmgov/service-kit';

/** The gateway key (`Authorization: Bearer gk_…` or `x-api-key: gk_…`) of a request, if any. */
export function gatewayKeySecret(
  headers: Record<string, string | string[] | undefined>,
): string | null {
  const bearer = /^Bearer\s+(gk_\S+)$/i.exec(String(headers.authorization ?? ''));
  if (bearer) return bearer[1];
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.startsWith('gk_') ? apiKey : null;
}

/** Resolves a live gateway key through the tenancy view; anything else is 401 (never echoing the secret). */
export function requireGatewayKey(directory: TenancyDirectory, secret: string | null): KeyRecord {
  const key = secret ? directory.findBySecret(secret) : undefined;
  if (!key || key.kind !== 'gateway' || !key.org_id)
    throw new UnauthorizedError('Missing or invalid gateway key (Authorization: Bearer gk_…)');
  return key;
}

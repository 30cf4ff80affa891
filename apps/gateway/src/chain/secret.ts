import type { ChainContext } from '@llmgov/chain';

/** A non-empty single-valued request header (names lower-case), else null. */
export const headerOf = (ctx: ChainContext, name: string): string | null => {
  const v = ctx.headers[name];
  return typeof v === 'string' && v.length > 0 ? v : null;
};

/** The `gk_…` secret from `Authorization: Bearer` or `x-api-key`. */
export function secretOf(ctx: ChainContext): string | null {
  const auth = headerOf(ctx, 'authorization');
  if (auth && auth.slice(0, 7).toLowerCase() === 'bearer ') return auth.slice(7).trim() || null;
  return headerOf(ctx, 'x-api-key');
}

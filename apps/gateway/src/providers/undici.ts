import type { Agent as AgentType, Pool as PoolType } from 'undici';

/**
 * undici's connection pool, agent and request API, without the rest of the package.
 * `require('undici')` also loads fetch, WebSocket, EventSource, caches, mocks and a cookie
 * module that reads `globalThis.Headers`, which loads Node's own bundled copy of undici: ~3 MB
 * of the idle gateway's resident memory (15 MB in a bare process) for code the gateway never
 * runs (issue 14, docs/benchmarks.md "Memory and start-up"). These are undici's own modules at
 * the version package-lock.json pins, assembled as its index assembles them (the request API
 * on the dispatcher's prototype); `undici.spec.ts` fails if an upgrade moves them.
 */
const Dispatcher = require('undici/lib/dispatcher/dispatcher') as { prototype: object };
Object.assign(Dispatcher.prototype, require('undici/lib/api'));

export const Pool = require('undici/lib/dispatcher/pool') as typeof PoolType;
export type Pool = PoolType;
export const Agent = require('undici/lib/dispatcher/agent') as typeof AgentType;
export type Agent = AgentType;

import type { ActivePolicy } from '@llmgov/policy-schema';
import type { Block, StepId } from '@llmgov/chain';
import { refusalBody } from '@llmgov/chain';

export type Headers = Record<string, string>;

/** A request as the HTTP adapter hands it over (the body unparsed). */
export interface HttpIn {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer | null;
  /** Content-Length of a body refused before it was read (preParsing). */
  declaredSize?: number;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/** What the adapter writes: a whole body, or server-sent events. */
export type HttpOut =
  | { status: number; headers: Headers; body: string }
  | { status: number; headers: Headers; stream: AsyncIterable<string> };

export const json = (status: number, headers: Headers, body: unknown): HttpOut => ({
  status,
  headers: { ...headers, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const refusal = (
  b: Block,
  step: StepId | null,
  requestId: string,
  policy: ActivePolicy | null,
  headers: Headers,
): HttpOut => json(b.status, headers, refusalBody(b, step, requestId, policy));

/** A body the gateway cannot read or honour: 400 in the OpenAI error shape, naming the field. */
export const invalidRequest = (param: string, message: string): HttpOut =>
  json(
    400,
    {},
    {
      error: {
        message,
        type: 'invalid_request_error',
        code: 'invalid_request',
        param,
        step: null,
        remediation: null,
      },
      status: 400,
    },
  );

/**
 * The one decider shape of every event-sourced aggregate (Emmett's decider: state in, events
 * or a refusal out, no I/O, never throws). Pure: domain code imports these types only.
 */

/** What a refusal means to the caller; the service maps it to its domain error (and HTTP status). */
export type RefusalKind = 'invalid' | 'not_found' | 'conflict' | 'forbidden';

export interface RefusalField {
  field: string;
  message: string;
}

/** Why a command was refused: a kind, a stable code, a message for humans, the fields at fault. */
export interface Refusal<K extends string = RefusalKind> {
  kind: K;
  code: string;
  message: string;
  fields?: RefusalField[];
}

/** A refused command, as a value (a decider's checks return it; the decider passes it on). */
export interface Refused<K extends string = RefusalKind> {
  ok: false;
  refusal: Refusal<K>;
}

/** A decider's answer: the events to append (none = nothing changes) and a result, or a refusal. */
export type Decision<E, R = undefined, K extends string = RefusalKind> =
  { ok: true; events: E[]; result: R } | Refused<K>;

/** Whether a check's answer is a refusal (checks answer `T | Refused`). */
export const isRefused = <K extends string = RefusalKind>(value: unknown): value is Refused<K> =>
  typeof value === 'object' &&
  value !== null &&
  (value as { ok?: unknown }).ok === false &&
  'refusal' in value;

/** A decider: a command against the current state, with the context (time, ids, actor) as an argument. */
export type Decider<S, C, E, Ctx, R = undefined, K extends string = RefusalKind> = (
  state: S,
  command: C,
  ctx: Ctx,
) => Decision<E, R, K>;

/** The events a command produced, with a result. */
export function accept<E>(events: E[]): Decision<E, undefined, never>;
export function accept<E, R>(events: E[], result: R): Decision<E, R, never>;
export function accept<E, R>(events: E[], result?: R): Decision<E, R | undefined, never> {
  return { ok: true, events, result };
}

/** A refusal of the command. */
export const refuse = <K extends string = RefusalKind>(
  kind: K,
  code: string,
  message: string,
  fields?: RefusalField[],
): Refused<K> => ({
  ok: false,
  refusal: { kind, code, message, ...(fields ? { fields } : {}) },
});

/**
 * Chains a decision into the next step when it was accepted (the refusal passes through):
 * `andThen(requireOrg(state), (org) => …)`.
 */
export function andThen<E, R, R2, K extends string>(
  decision: Decision<E, R, K>,
  next: (result: R, events: E[]) => Decision<E, R2, K>,
): Decision<E, R2, K> {
  if (!decision.ok) return decision;
  const after = next(decision.result, decision.events);
  return after.ok ? { ...after, events: [...decision.events, ...after.events] } : after;
}

/** An accepted decision with a result read from its events (e.g. the id a creation made). */
export function withResult<E, R, K extends string>(
  decision: Decision<E, unknown, K>,
  result: (events: E[]) => R,
): Decision<E, R, K> {
  return decision.ok
    ? { ok: true, events: decision.events, result: result(decision.events) }
    : decision;
}

/**
 * Given / when / then for decider specs (Emmett's DeciderSpecification): the history as
 * events or as accepted commands, one command, then the events it must produce or the
 * refusal it must answer. Structural types, so any aggregate's decider fits.
 */
export type DecisionLike<E> =
  | { ok: true; events: E[]; result?: unknown }
  | { ok: false; refusal: { kind: string; code: string; message: string } };

export interface DeciderUnderTest<S, E> {
  initialState(): S;
  /** May change the state it is given: the helper hands it copies. */
  evolve(state: S, event: E): S;
}

/** One step of history: events that happened, or a command that must be accepted. */
export type History<S, E> = readonly E[] | ((state: S) => DecisionLike<E>);

export function deciderSpec<S, E>(decider: DeciderUnderTest<S, E>) {
  const fold = (events: readonly E[], from: S): S =>
    events.reduce((s, e) => decider.evolve(s, e), structuredClone(from));
  const accepted = (d: DecisionLike<E>, what: string): E[] => {
    if (!d.ok) throw new Error(`${what} was refused: ${d.refusal.code}: ${d.refusal.message}`);
    return d.events;
  };
  return {
    /** The state after the history (each command decided on the state the steps before left). */
    given(...history: History<S, E>[]) {
      const past: E[] = [];
      const state = history.reduce<S>((s, step) => {
        const events = typeof step === 'function' ? accepted(step(s), 'a given command') : step;
        past.push(...events);
        return fold(events, s);
      }, decider.initialState());
      return {
        state,
        /** Every event of the history, in order (to start another history from it). */
        events: past as readonly E[],
        when<D extends DecisionLike<E>>(decide: (state: S) => D) {
          const decision = decide(structuredClone(state));
          return {
            decision,
            /** The events (as many, each a partial match) and the state they lead to. */
            then(expected: readonly unknown[], check?: (after: S) => void): E[] {
              const events = accepted(decision, 'the command');
              expect(events).toMatchObject(expected);
              check?.(fold(events, state));
              return events;
            },
            thenRefused(expected: { kind?: string; code?: string; message?: string | RegExp }) {
              expect(decision.ok).toBe(false);
              const { message, ...rest } = expected;
              const refusal = (decision as Extract<DecisionLike<E>, { ok: false }>).refusal;
              expect(refusal).toMatchObject(rest);
              if (message !== undefined) expect(refusal.message).toMatch(message);
              return refusal;
            },
          };
        },
      };
    },
    /** A matcher for a refusal of this kind (and code). */
    refusedAs: (kind: string, code?: string) => ({
      ok: false,
      refusal: { kind, ...(code ? { code } : {}) },
    }),
    /** The events of an accepted decision (fails the test when it was refused). */
    events: (d: DecisionLike<E>): E[] => accepted(d, 'the command'),
  };
}

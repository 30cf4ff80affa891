/** Nest injection tokens shared by every service. */
export const EVENT_BUS = Symbol('EVENT_BUS');
export const CLOCK = Symbol('CLOCK');

/** Time as a dependency, so tests fix it (STYLE.md). */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

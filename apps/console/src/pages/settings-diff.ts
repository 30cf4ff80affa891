import type { Settings } from '../types';

export interface Change {
  field: keyof Settings;
  from: unknown;
  to: unknown;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The top-level fields the draft changes: what the diff shows and what PUT sends (PUT is partial). */
export function changes(live: Settings, draft: Settings): Change[] {
  return (Object.keys(draft) as (keyof Settings)[])
    .filter((k) => !same(live[k], draft[k]))
    .map((field) => ({ field, from: live[field], to: draft[field] }));
}

export const asPatch = (list: Change[]) =>
  Object.fromEntries(list.map((c) => [c.field, c.to])) as Partial<Settings>;

export const show = (v: unknown) =>
  v === null ? 'unlimited' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** Flattens a JSON document to `path → value` leaves, for a diff between two policy versions. */
export function flatten(
  value: unknown,
  path = '',
  out: Record<string, string> = {},
): Record<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, path ? `${path}.${k}` : k, out);
    if (Object.keys(value).length === 0) out[path] = '{}';
  } else {
    out[path] = JSON.stringify(value);
  }
  return out;
}

export interface DiffLine {
  path: string;
  before: string | undefined;
  after: string | undefined;
}

export function diffDocuments(a: unknown, b: unknown): DiffLine[] {
  const left = flatten(a);
  const right = flatten(b);
  return [...new Set([...Object.keys(left), ...Object.keys(right)])]
    .sort()
    .filter((p) => left[p] !== right[p])
    .map((path) => ({ path, before: left[path], after: right[path] }));
}

/**
 * The console's only way to the product: its public HTTP API, same origin, with the signed-in
 * admin credential (kept in sessionStorage only, see session.tsx).
 */
export interface FieldProblem {
  field: string;
  message: string;
}

/** An API refusal: status, stable code, message and the fields it names (shown beside them). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }

  /** The message the API gave for one field, for the input that shows it. */
  fieldError(name: string): string | undefined {
    return this.fields.find((f) => f.field === name || f.field.startsWith(`${name}.`))?.message;
  }
}

const CREDENTIAL = 'llmgov.console.credential';

export const credential = {
  get: (): string | null => sessionStorage.getItem(CREDENTIAL),
  set: (value: string) => sessionStorage.setItem(CREDENTIAL, value),
  clear: () => sessionStorage.removeItem(CREDENTIAL),
};

export interface Envelope<T> {
  data: T;
  next_cursor?: string | null;
  /** The HTTP status (200, or 202 for a change accepted as a draft awaiting signatures). */
  status: number;
}

type Query = Record<string, string | number | undefined | null>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** One call with the admin credential (or `key`, e.g. a gateway key for Explain). */
export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  key?: string,
): Promise<Envelope<T>> {
  const secret = key ?? credential.get();
  const res = await fetch(path, {
    method,
    headers: {
      ...(secret ? { authorization: `Bearer ${secret}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(
      res.status,
      'bad_response',
      `The server answered ${res.status} with a body that is not JSON`,
    );
  }
  if (!res.ok) {
    const error = json?.error ?? {};
    throw new ApiError(
      res.status,
      error.code ?? String(res.status),
      error.message ?? `HTTP ${res.status}`,
      error.fields ?? [],
    );
  }
  if (json && typeof json === 'object' && 'success' in json)
    return { data: json.data as T, next_cursor: json.next_cursor, status: res.status };
  return { data: json as T, status: res.status };
}

export const get = async <T>(path: string, query?: Query) =>
  (await request<T>('GET', withQuery(path, query))).data;
export const getPage = <T>(path: string, query?: Query) =>
  request<T>('GET', withQuery(path, query));
export const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, body);
export const put = <T>(path: string, body: unknown) => request<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, body);
export const del = <T>(path: string) => request<T>('DELETE', path);

/** Downloads an authenticated response (audit export) as a file. */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${credential.get()}` } });
  if (!res.ok)
    throw new ApiError(res.status, String(res.status), `Export failed: HTTP ${res.status}`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
}

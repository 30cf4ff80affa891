import type { ChatRequest } from '@llmgov/chain';

/**
 * Every text of a request that reaches the model (issue 17 item 11): message contents
 * (strings and `text` parts), message `name`, `tool_calls[].function.arguments` (and the
 * legacy `function_call`), `tools[].function` name/description/parameters and
 * `response_format` (every string inside, e.g. a JSON schema's descriptions). `path`
 * names the field in traces; `role` says whose it is (system prompts are the deployer's).
 */
export interface TextField {
  path: string;
  role: string | null;
  text: string;
}

/** Nesting depth walked inside tool parameters and response formats (schemas are shallow). */
const MAX_DEPTH = 12;

function strings(
  value: unknown,
  path: string,
  depth: number,
  out: (path: string, text: string) => void,
): void {
  if (typeof value === 'string') out(path, value);
  else if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return;
  else if (Array.isArray(value))
    value.forEach((v, i) => strings(v, `${path}[${i}]`, depth + 1, out));
  else
    for (const [k, v] of Object.entries(value))
      if (k !== 'type') strings(v, `${path}.${k}`, depth + 1, out);
}

const obj = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

export function fieldsOf(request: ChatRequest): TextField[] {
  const out: TextField[] = [];
  request.messages.forEach((m, i) => {
    const at = `messages[${i}]`;
    const role = typeof m.role === 'string' ? m.role : null;
    const add = (path: string, text: string) => out.push({ path, role, text });
    if (typeof m.content === 'string') add(`${at}.content`, m.content);
    else if (Array.isArray(m.content)) {
      m.content.forEach((p, j) => {
        if (p && p.type === 'text' && typeof p.text === 'string')
          add(`${at}.content[${j}].text`, p.text);
      });
    }
    if (typeof m.name === 'string') add(`${at}.name`, m.name);
    if (Array.isArray(m.tool_calls)) {
      m.tool_calls.forEach((c, j) => {
        const args = obj(obj(c)?.function)?.arguments;
        if (typeof args === 'string') add(`${at}.tool_calls[${j}].function.arguments`, args);
      });
    }
    const legacy = obj(m.function_call)?.arguments;
    if (typeof legacy === 'string') add(`${at}.function_call.arguments`, legacy);
  });
  if (Array.isArray(request.tools)) {
    request.tools.forEach((t, i) => {
      const fn = obj(obj(t)?.function);
      if (fn)
        strings(
          { description: fn.description, parameters: fn.parameters },
          `tools[${i}].function`,
          0,
          (path, text) => out.push({ path, role: 'tool_definition', text }),
        );
    });
  }
  if (request.response_format !== undefined)
    strings(request.response_format, 'response_format', 0, (path, text) =>
      out.push({ path, role: 'response_format', text }),
    );
  return out;
}

function mapStrings(value: unknown, depth: number, fn: (text: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let changed = false;
    const next = value.map((v) => {
      const n = mapStrings(v, depth + 1, fn);
      if (n !== v) changed = true;
      return n;
    });
    return changed ? next : value;
  }
  let changed = false;
  const next: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const n = k === 'type' ? v : mapStrings(v, depth + 1, fn);
    if (n !== v) changed = true;
    next[k] = n;
  }
  return changed ? next : value;
}

/** Applies `fn` to every field `fieldsOf` reads, keeping the request's shape (unchanged parts are the same objects). */
export function mapFields(request: ChatRequest, fn: (text: string) => string): ChatRequest {
  let changed = false;
  const messages = request.messages.map((m) => {
    const next = { ...m };
    let mc = false;
    if (typeof m.content === 'string' || Array.isArray(m.content)) {
      const c = Array.isArray(m.content)
        ? m.content.map((p) =>
            p && p.type === 'text' && typeof p.text === 'string' ? withText(p, fn(p.text)) : p,
          )
        : fn(m.content);
      if (
        Array.isArray(c) ? c.some((p, i) => p !== (m.content as unknown[])[i]) : c !== m.content
      ) {
        next.content = c;
        mc = true;
      }
    }
    if (typeof m.name === 'string') {
      const n = fn(m.name);
      if (n !== m.name) {
        next.name = n;
        mc = true;
      }
    }
    if (Array.isArray(m.tool_calls)) {
      const calls = m.tool_calls.map((c) => {
        const f = obj(obj(c)?.function);
        if (!f || typeof f.arguments !== 'string') return c;
        const a = fn(f.arguments);
        return a === f.arguments ? c : { ...obj(c), function: { ...f, arguments: a } };
      });
      if (calls.some((c, i) => c !== (m.tool_calls as unknown[])[i])) {
        next.tool_calls = calls;
        mc = true;
      }
    }
    const fc = obj(m.function_call);
    if (fc && typeof fc.arguments === 'string') {
      const a = fn(fc.arguments);
      if (a !== fc.arguments) {
        next.function_call = { ...fc, arguments: a };
        mc = true;
      }
    }
    if (!mc) return m;
    changed = true;
    return next;
  });
  const out: ChatRequest = { ...request, messages };
  if (Array.isArray(request.tools)) {
    const tools = request.tools.map((t) => {
      const fn0 = obj(obj(t)?.function);
      if (!fn0) return t;
      const mapped = mapStrings(
        { description: fn0.description, parameters: fn0.parameters },
        0,
        fn,
      ) as Record<string, unknown>;
      if (mapped.description === fn0.description && mapped.parameters === fn0.parameters) return t;
      const f = { ...fn0 };
      if (fn0.description !== undefined) f.description = mapped.description;
      if (fn0.parameters !== undefined) f.parameters = mapped.parameters;
      return { ...obj(t), function: f };
    });
    if (tools.some((t, i) => t !== request.tools![i])) {
      out.tools = tools;
      changed = true;
    }
  }
  if (request.response_format !== undefined) {
    const rf = mapStrings(request.response_format, 0, fn);
    if (rf !== request.response_format) {
      out.response_format = rf;
      changed = true;
    }
  }
  return changed ? out : request;
}

const withText = <T extends { text?: string }>(p: T, text: string): T =>
  text === p.text ? p : { ...p, text };

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');

/** A service's `main.ts` run as its own Node process (as in production), output captured. */
export interface ServiceProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<number | string>;
}

export function runMain(entry: string, env: Record<string, string>): ServiceProcess {
  return runNode(['-r', './tools/register.cjs', entry], env);
}

/** A compiled entry point (`npm run build`: `dist/apps/<service>/main.js`) run as production does. */
export function runCompiled(entry: string, env: Record<string, string>): ServiceProcess {
  return runNode(['--enable-source-maps', entry], env);
}

function runNode(args: string[], env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, output: () => out, exited };
}

/** Polls `url` until it answers 200 (the process is up), or fails with the process's output. */
export async function waitReady(
  proc: ServiceProcess,
  url: string,
  timeoutMs = 25_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null)
      throw new Error(`process exited (${proc.child.exitCode}) before ready:\n${proc.output()}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`not ready after ${timeoutMs} ms:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops a process if it still runs (afterAll). */
export async function stopProcess(proc: ServiceProcess | undefined): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGKILL');
  await proc.exited;
}

export interface FakeUpstream {
  server: Server;
  url: string;
  /** The bodies and authorization headers it received. */
  received: { authorization: string | undefined; body: any }[];
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible `/v1/chat/completions` that answers after `delayMs` with a fixed
 * completion (never the prompt, so the prompt can only reach a log from the gateway itself).
 */
export async function fakeOpenAi(delayMs = 0): Promise<FakeUpstream> {
  const received: FakeUpstream['received'] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : null;
      received.push({ authorization: req.headers.authorization, body });
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'chatcmpl-fake',
            object: 'chat.completion',
            created: 1,
            model: body?.model ?? 'unknown',
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: 'fine, thanks' },
                finish_reason: 'stop',
              },
            ],
            usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
          }),
        );
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    server,
    url: `http://127.0.0.1:${port}/v1`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The exit code (or signal) within `ms`, else `still running` with the process's output. */
export async function exitWithin(proc: ServiceProcess, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>(
    (resolve) =>
      (timer = setTimeout(() => resolve(`still running after ${ms} ms:\n${proc.output()}`), ms)),
  );
  try {
    return await Promise.race([proc.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

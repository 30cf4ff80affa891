import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'
const PASSWORD = 0x70; // 'p'

/**
 * Serves one PGlite database to many `pg` connections over the Postgres wire protocol.
 *
 * PGlite has a single session, so connections must take turns. `@electric-sql/pglite-socket`
 * takes turns per protocol *message*, which lets two connections interleave the Parse and
 * Bind of their extended-protocol queries ("unnamed prepared statement does not exist", or
 * worse, one connection binding the other's statement). Here a turn is a whole round trip —
 * everything a client sends up to its Sync or simple Query — and a connection that leaves
 * PGlite inside a transaction keeps its turn until the transaction ends, so transactions are
 * isolated from each other exactly as on a server with serialisable one-at-a-time sessions.
 *
 * PGlite itself trusts every connection, so with a `password` the server authenticates each
 * one first (cleartext password exchange: it only listens on loopback) and hands PGlite the
 * startup message only after the password matched; a wrong one gets SQLSTATE 28P01.
 */
export class PgliteWireServer {
  private server?: Server;
  private owner: Connection | null = null;
  private readonly waiting: Array<() => void> = [];
  private readonly connections = new Set<Connection>();

  constructor(
    private readonly db: PGlite,
    readonly password: string | null = null,
  ) {}

  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    await this.db.waitReady;
    this.server = createServer((socket) => this.connections.add(new Connection(socket, this)));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    return (this.server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Runs one round trip of `conn` against PGlite, in turn with the other connections. */
  async roundTrip(
    conn: Connection,
    message: Uint8Array,
    onData: (chunk: Uint8Array) => void,
  ): Promise<void> {
    while (this.owner !== null && this.owner !== conn)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.owner = conn;
    try {
      await this.db.execProtocolRawStream(message, { onRawData: onData });
    } finally {
      if (!this.db.isInTransaction()) this.release();
    }
  }

  /** A connection went away: roll back what it left open and let the others go on. */
  async forget(conn: Connection): Promise<void> {
    this.connections.delete(conn);
    if (this.owner !== conn) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => undefined);
    this.release();
  }

  private release(): void {
    this.owner = null;
    const next = this.waiting.shift();
    next?.();
  }
}

/** A backend message: type byte, int32 length (itself included), body. */
function backendMessage(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const AUTH_CLEARTEXT = backendMessage('R', Buffer.from([0, 0, 0, 3]));
const AUTH_FAILED = backendMessage(
  'E',
  Buffer.from('SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed\0\0', 'latin1'),
);

const sameSecret = (given: Buffer, expected: string): boolean => {
  const want = Buffer.from(expected, 'utf8');
  return given.length === want.length && timingSafeEqual(given, want);
};

class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;
  /** The startup message held back until the password is checked. */
  private startup: Buffer | null = null;
  private rejected = false;
  private pending: Buffer[] = [];
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly server: PgliteWireServer,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.destroy());
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.chain = this.chain.then(() => this.server.forget(this));
  }

  private receive(chunk: Buffer): void {
    if (this.rejected) return;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        const code = this.buffer.readInt32BE(4);
        if (this.buffer.length < length) return;
        const message = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        if (code === SSL_REQUEST) this.socket.write('N');
        else if (code === CANCEL_REQUEST) this.destroy();
        else if (code === PROTOCOL_3) {
          this.started = true;
          if (this.server.password === null) this.submit(Buffer.from(message));
          else {
            this.startup = Buffer.from(message);
            this.socket.write(AUTH_CLEARTEXT);
          }
        }
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = 1 + this.buffer.readInt32BE(1);
      if (this.buffer.length < length) return;
      const message = Buffer.from(this.buffer.subarray(0, length));
      this.buffer = this.buffer.subarray(length);
      const type = message[0];
      if (type === TERMINATE) {
        this.destroy();
        return;
      }
      if (this.startup) {
        // Only a password message may come before authentication; its body ends with NUL.
        if (
          type !== PASSWORD ||
          !sameSecret(message.subarray(5, message.length - 1), this.server.password!)
        ) {
          // Flushed, then closed; the socket's 'close' cleans up. Nothing more is read.
          this.rejected = true;
          this.socket.end(AUTH_FAILED);
          return;
        }
        const startup = this.startup;
        this.startup = null;
        this.submit(startup);
        continue;
      }
      this.pending.push(message);
      if (type === SYNC || type === QUERY) {
        this.submit(Buffer.concat(this.pending));
        this.pending = [];
      }
    }
  }

  private submit(message: Buffer): void {
    this.chain = this.chain.then(async () => {
      if (this.closed) return;
      const out = new Outbox(this.socket);
      try {
        await this.server.roundTrip(this, message, (data) => {
          if (!this.closed) out.add(data);
        });
        if (!this.closed) out.flush();
      } catch {
        this.destroy();
      }
    });
  }
}

/** Past this many bytes an answer is sent on while PGlite still produces it (a large result). */
const FLUSH_BYTES = 64 * 1024;

/**
 * Gathers a round trip's answer into few socket writes: PGlite hands it over message by
 * message, and a write each took 6 % of the database thread under ingest (issue 17 item 8).
 * Each chunk is copied: PGlite passes a view of its WebAssembly memory, which it reuses,
 * while a socket keeps what it could not send at once by reference.
 */
class Outbox {
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly socket: Socket) {}

  add(data: Uint8Array): void {
    if (data.length === 0) return;
    this.chunks.push(Buffer.from(data));
    this.bytes += data.length;
    if (this.bytes >= FLUSH_BYTES) this.flush();
  }

  flush(): void {
    if (this.chunks.length === 0) return;
    this.socket.write(this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks));
    this.chunks = [];
    this.bytes = 0;
  }
}

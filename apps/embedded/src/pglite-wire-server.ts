import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

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
 */
export class PgliteWireServer {
  private server?: Server;
  private owner: Connection | null = null;
  private readonly waiting: Array<() => void> = [];
  private readonly connections = new Set<Connection>();

  constructor(private readonly db: PGlite) {}

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
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Runs one round trip of `conn` against PGlite, in turn with the other connections. */
  async roundTrip(conn: Connection, message: Uint8Array, onData: (chunk: Uint8Array) => void): Promise<void> {
    while (this.owner !== null && this.owner !== conn) await new Promise<void>((resolve) => this.waiting.push(resolve));
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

class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;
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
          this.submit(Buffer.from(message));
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
      try {
        await this.server.roundTrip(this, message, (data) => {
          if (!this.closed && data.length) this.socket.write(data);
        });
      } catch {
        this.destroy();
      }
    });
  }
}

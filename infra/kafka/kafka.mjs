#!/usr/bin/env node
// A real single-node Kafka broker (KRaft, broker + controller in one JVM) without Docker.
//
//   node infra/kafka/kafka.mjs start [--fresh]   start (or reuse) the broker, print its address
//   node infra/kafka/kafka.mjs stop [--if-unused] stop it (--if-unused: only when no test run uses it)
//   node infra/kafka/kafka.mjs status            is it running, who uses it (exit 0 running, 3 not)
//   node infra/kafka/kafka.mjs ensure-jars       fetch the jars into the cache and print the folder
//
// The jars of Apache Kafka 3.9.1 (plus a reload4j logging backend) come from Maven Central
// through a generated POM and the maven-dependency-plugin, into ~/.cache/llmgov (outside the
// clone, fetched once). Broker state, logs and the pidfile live in
// ~/.cache/llmgov/kafka-data/<port>. Port: KAFKA_PORT, default 19092; controller = port + 1.
//
// From JS: `ensureKafka()` → { brokers, ... }, `stopKafka()`. Test runners pass `lease: true`:
// every running user holds a lease file, and a broker started that way is stopped by the
// last user's `release()`, so parallel test runs on one machine share one broker safely.
// A broker started by the `start` command stays up until `stop`.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

export const KAFKA_VERSION = '3.9.1';
const SCALA_VERSION = '2.13';
const DEPENDENCIES = [
  ['org.apache.kafka', `kafka_${SCALA_VERSION}`, KAFKA_VERSION],
  ['org.slf4j', 'slf4j-reload4j', '1.7.36'],
  ['ch.qos.reload4j', 'reload4j', '1.2.25'],
];
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const DEFAULT_PORT = 19092;
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;
const HEAP = ['-Xms256m', '-Xmx768m'];

const CACHE_DIR = process.env.LLMGOV_CACHE_DIR || join(homedir(), '.cache', 'llmgov');
/** Folder holding the broker's jars (the `-cp '<dir>/*'` of the JVM). */
export const JAR_DIR = join(CACHE_DIR, `kafka-${KAFKA_VERSION}`, 'libs');
const MARKER_JAR = `kafka_${SCALA_VERSION}-${KAFKA_VERSION}.jar`;

const defaultLog = (message) => process.stderr.write(`[kafka] ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sleepSync = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The broker port: `KAFKA_PORT` or 19092. */
export function kafkaPort() {
  const raw = process.env.KAFKA_PORT;
  if (!raw) return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65534)
    throw new Error(`KAFKA_PORT=${raw} is not a port number`);
  return port;
}

function paths(port) {
  const dir = join(CACHE_DIR, 'kafka-data', String(port));
  return {
    dir,
    data: join(dir, 'data'),
    serverProperties: join(dir, 'server.properties'),
    log4jProperties: join(dir, 'log4j.properties'),
    serverLog: join(dir, 'server.log'),
    stdout: join(dir, 'kafka.out'),
    pidfile: join(dir, 'kafka.pid'),
    clusterId: join(dir, 'cluster.id'),
    /** Present when the broker was started for leases: the last lease holder stops it. */
    autostarted: join(dir, 'autostarted'),
    /** Present while a stop is under way (a SIGTERM was sent). */
    stopping: join(dir, 'stopping'),
    leases: join(dir, 'leases'),
    lock: join(dir, '.lock'),
  };
}

// ---------------------------------------------------------------- processes and locks

function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function readPid(file) {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The pid of the broker JVM of this port, when the pidfile names a live `kafka.Kafka` of ours. */
function brokerPid(p) {
  const pid = readPid(p.pidfile);
  if (!pid || !isAlive(pid)) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes('kafka.Kafka') || !cmdline.includes(p.serverProperties)) return undefined;
  } catch {
    // No /proc (macOS): trust the pidfile.
  }
  return pid;
}

function tryLock(lock) {
  try {
    mkdirSync(lock);
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    const owner = readPid(join(lock, 'owner'));
    const stat = statSync(lock, { throwIfNoEntry: false });
    const stale = owner ? !isAlive(owner) : !!stat && Date.now() - stat.mtimeMs > 10_000;
    if (stale) {
      // Move it aside first so that two waiters cannot both remove it.
      const aside = `${lock}.stale-${process.pid}-${randomBytes(3).toString('hex')}`;
      try {
        renameSync(lock, aside);
        rmSync(aside, { recursive: true, force: true });
      } catch {
        // Someone else cleared it.
      }
    }
    return { acquired: false, owner };
  }
  writeFileSync(join(lock, 'owner'), String(process.pid));
  return { acquired: true };
}

async function withLock(lock, fn, timeoutMs = 4 * 60_000) {
  mkdirSync(join(lock, '..'), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { acquired, owner } = tryLock(lock);
    if (acquired) break;
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${lock} (held by pid ${owner ?? '?'})`);
    await sleep(200);
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function withLockSync(lock, fn, timeoutMs = 10_000) {
  mkdirSync(join(lock, '..'), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { acquired, owner } = tryLock(lock);
    if (acquired) break;
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${lock} (held by pid ${owner ?? '?'})`);
    sleepSync(100);
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function requireTool(command, args, hint) {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  if (result.error)
    throw new Error(
      `${command} is needed to run the local Kafka broker (${hint}): ${result.error.message}`,
    );
}

// ---------------------------------------------------------------- jars

function pom() {
  const dependencies = DEPENDENCIES.map(
    ([groupId, artifactId, version]) =>
      `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`,
  ).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>llmgov.local</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
${dependencies}
  </dependencies>
</project>
`;
}

/**
 * Fetches the broker's jars into JAR_DIR unless they are there already.
 * @returns {Promise<{ dir: string, downloaded: boolean, ms: number }>}
 */
export async function ensureJars({ log = defaultLog } = {}) {
  const startedAt = Date.now();
  if (existsSync(join(JAR_DIR, MARKER_JAR))) return { dir: JAR_DIR, downloaded: false, ms: 0 };
  const root = join(JAR_DIR, '..');
  return withLock(`${root}.lock`, async () => {
    if (existsSync(join(JAR_DIR, MARKER_JAR))) return { dir: JAR_DIR, downloaded: false, ms: 0 };
    requireTool('mvn', ['-v'], 'Maven 3.8+, which fetches the jars from Maven Central');
    log(`fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central into ${JAR_DIR} (once)`);
    const work = `${JAR_DIR}.tmp-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(join(work, 'libs'), { recursive: true });
    writeFileSync(join(work, 'pom.xml'), pom());
    const args = [
      '-B',
      '-q',
      '-f',
      join(work, 'pom.xml'),
      `${DEPENDENCY_PLUGIN}:copy-dependencies`,
      `-DoutputDirectory=${join(work, 'libs')}`,
      '-DincludeScope=runtime',
    ];
    const result = await run('mvn', args);
    if (result.code !== 0 || !existsSync(join(work, 'libs', MARKER_JAR))) {
      rmSync(work, { recursive: true, force: true });
      throw new Error(
        `mvn ${args.join(' ')} failed (exit ${result.code}):\n${result.output.slice(-4000)}`,
      );
    }
    rmSync(JAR_DIR, { recursive: true, force: true });
    renameSync(join(work, 'libs'), JAR_DIR);
    rmSync(work, { recursive: true, force: true });
    const ms = Date.now() - startedAt;
    log(`${readdirSync(JAR_DIR).length} jars fetched in ${(ms / 1000).toFixed(1)} s`);
    return { dir: JAR_DIR, downloaded: true, ms };
  });
}

function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ code: -1, output: `${output}${error.message}` }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

// ---------------------------------------------------------------- configuration

function serverProperties(p, port) {
  const controllerPort = port + 1;
  return `# Generated by infra/kafka/kafka.mjs: single-node KRaft broker + controller for development and tests.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${p.data}
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
num.network.threads=2
num.io.threads=4
log.retention.hours=24
log.cleaner.threads=1
`;
}

function log4jProperties(p) {
  return `# Generated by infra/kafka/kafka.mjs: everything into one rolling file.
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=${p.serverLog}
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.zookeeper=WARN
`;
}

/** A random Kafka cluster id: 16 bytes, base64url without padding (22 characters). */
function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function tail(file, bytes = 6000) {
  try {
    const size = statSync(file).size;
    const fd = openSync(file, 'r');
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    closeSync(fd);
    return buffer.toString('utf8');
  } catch {
    return '';
  }
}

function logTail(p) {
  return [
    `--- ${p.serverLog} (tail) ---`,
    tail(p.serverLog) || '(empty)',
    `--- ${p.stdout} (tail) ---`,
    tail(p.stdout, 3000) || '(empty)',
  ].join('\n');
}

// ---------------------------------------------------------------- readiness

function portAnswers(port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (answer) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function describeCluster(brokers, timeoutMs = 3000) {
  const kafka = new Kafka({
    clientId: 'llmgov-kafka-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 2000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await admin.describeCluster();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Waits until the broker answers `describeCluster`; fails early when `pid` exits. */
async function waitReady(p, port, pid, timeoutMs) {
  const brokers = [`127.0.0.1:${port}`];
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (pid && !isAlive(pid)) {
      throw new Error(`The Kafka broker (pid ${pid}) exited during startup.\n${logTail(p)}`);
    }
    if (await portAnswers(port)) {
      try {
        return await describeCluster(brokers);
      } catch (error) {
        lastError = error;
      }
    }
    await sleep(300);
  }
  throw new Error(
    `The Kafka broker on 127.0.0.1:${port} did not answer describeCluster within ${timeoutMs / 1000} s` +
      `${lastError ? ` (last error: ${lastError.message})` : ''}.\n${logTail(p)}`,
  );
}

// ---------------------------------------------------------------- leases

function liveLeases(p, except) {
  let names = [];
  try {
    names = readdirSync(p.leases);
  } catch {
    return [];
  }
  const live = [];
  for (const name of names) {
    const pid = Number(name.split('-')[0]);
    if (isAlive(pid)) {
      if (name !== except) live.push(name);
    } else {
      rmSync(join(p.leases, name), { force: true });
    }
  }
  return live;
}

function takeLease(p) {
  mkdirSync(p.leases, { recursive: true });
  const name = `${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(
    join(p.leases, name),
    `${new Date().toISOString()} ${process.argv.slice(1).join(' ')}\n`,
  );
  return name;
}

/** Sends SIGTERM; waits for exit (async) unless told not to; SIGKILL after STOP_TIMEOUT_MS. */
async function terminate(p, pid, log) {
  writeFileSync(p.stopping, String(pid));
  log(`stopping the broker (pid ${pid})`);
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
  await waitExit(p, pid);
}

async function waitExit(p, pid) {
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
    while (isAlive(pid)) await sleep(100);
  }
  for (const file of [p.pidfile, p.stopping, p.autostarted]) rmSync(file, { force: true });
}

// ---------------------------------------------------------------- start / stop

/**
 * Starts the local broker, or reuses the one already running on the port.
 *
 * @param {object} [options]
 * @param {number} [options.port] broker port (default: KAFKA_PORT or 19092)
 * @param {boolean} [options.lease] hold a lease: `release()` stops a broker started this way
 *   once no other lease holder is left (test runners)
 * @param {boolean} [options.fresh] when starting a new JVM, wipe the data directory first
 *   (default: same as `lease`: test brokers start empty, so test topics do not pile up)
 * @param {number} [options.timeoutMs] readiness timeout (default 90 s)
 * @param {(message: string) => void} [options.log]
 * @returns {Promise<{ brokers: string[], port: number, pid?: number, started: boolean,
 *   jars: { downloaded: boolean, ms: number }, startMs: number,
 *   release: () => Promise<void>, releaseSync: () => void }>}
 */
export async function ensureKafka(options = {}) {
  const {
    port = kafkaPort(),
    lease = false,
    timeoutMs = READY_TIMEOUT_MS,
    log = defaultLog,
  } = options;
  const fresh = options.fresh ?? lease;
  const p = paths(port);
  const brokers = [`127.0.0.1:${port}`];
  mkdirSync(p.dir, { recursive: true });

  // Outside the broker lock: the download can take a minute and has its own lock.
  const jars = await ensureJars({ log });

  const outcome = await withLock(p.lock, async () => {
    let pid = brokerPid(p);
    if (pid && existsSync(p.stopping)) {
      log(`waiting for the broker (pid ${pid}) to finish stopping`);
      await waitExit(p, pid);
      pid = undefined;
    }
    if (pid) {
      await waitReady(p, port, pid, timeoutMs);
      if (!lease) rmSync(p.autostarted, { force: true }); // started by hand now: keep it up
      log(`reusing the broker on ${brokers[0]} (pid ${pid})`);
      return { pid, started: false, startMs: 0, leaseName: lease ? takeLease(p) : undefined };
    }
    for (const file of [p.pidfile, p.stopping, p.autostarted]) rmSync(file, { force: true });
    if (await portAnswers(port)) {
      try {
        await describeCluster(brokers, 5000);
      } catch (error) {
        throw new Error(
          `Port ${port} is in use by something that is not a Kafka broker (${error.message}). ` +
            'Set KAFKA_PORT to another port.',
        );
      }
      log(`a Kafka broker not started by this script answers on ${brokers[0]}: using it`);
      return { pid: undefined, started: false, startMs: 0, leaseName: undefined };
    }
    if (await portAnswers(port + 1)) {
      throw new Error(`The controller port ${port + 1} is in use. Set KAFKA_PORT to another port.`);
    }
    requireTool('java', ['-version'], 'Java 17+');

    const startedAt = Date.now();
    if (fresh) rmSync(p.data, { recursive: true, force: true });
    writeFileSync(p.serverProperties, serverProperties(p, port));
    writeFileSync(p.log4jProperties, log4jProperties(p));
    const classpath = `${jars.dir}/*`;
    const log4j = `-Dlog4j.configuration=file:${p.log4jProperties}`;
    if (!existsSync(join(p.data, 'meta.properties'))) {
      if (!existsSync(p.clusterId)) writeFileSync(p.clusterId, newClusterId());
      const clusterId = readFileSync(p.clusterId, 'utf8').trim();
      const format = await run('java', [
        log4j,
        '-cp',
        classpath,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        p.serverProperties,
        '--ignore-formatted',
      ]);
      if (format.code !== 0)
        throw new Error(`Formatting the Kafka storage failed:\n${format.output}`);
    }

    rmSync(p.serverLog, { force: true });
    const out = openSync(p.stdout, 'w');
    const child = spawn(
      'java',
      [
        ...HEAP,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-Djava.awt.headless=true',
        log4j,
        '-cp',
        classpath,
        'kafka.Kafka',
        p.serverProperties,
      ],
      { detached: true, stdio: ['ignore', out, out], cwd: p.dir },
    );
    closeSync(out);
    child.unref();
    pid = child.pid;
    writeFileSync(p.pidfile, String(pid));
    if (lease) writeFileSync(p.autostarted, String(process.pid));
    log(`starting Kafka ${KAFKA_VERSION} on ${brokers[0]} (pid ${pid}, logs ${p.serverLog})`);
    try {
      await waitReady(p, port, pid, timeoutMs);
    } catch (error) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      for (const file of [p.pidfile, p.autostarted]) rmSync(file, { force: true });
      throw error;
    }
    const startMs = Date.now() - startedAt;
    log(`broker ready in ${(startMs / 1000).toFixed(1)} s`);
    return { pid, started: true, startMs, leaseName: lease ? takeLease(p) : undefined };
  });

  const { leaseName } = outcome;
  let released = !leaseName;
  return {
    brokers,
    port,
    pid: outcome.pid,
    started: outcome.started,
    jars: { downloaded: jars.downloaded, ms: jars.ms },
    startMs: outcome.startMs,
    /** Gives the lease back; stops a lease-started broker when no other holder is left. */
    async release() {
      if (released) return;
      released = true;
      await withLock(p.lock, async () => {
        rmSync(join(p.leases, leaseName), { force: true });
        const pid = brokerPid(p);
        if (pid && existsSync(p.autostarted) && liveLeases(p).length === 0)
          await terminate(p, pid, log);
      });
    },
    /** Like `release()`, for `process.on('exit')`: sends SIGTERM without waiting for the exit. */
    releaseSync() {
      if (released) return;
      released = true;
      try {
        withLockSync(p.lock, () => {
          rmSync(join(p.leases, leaseName), { force: true });
          const pid = brokerPid(p);
          if (pid && existsSync(p.autostarted) && liveLeases(p).length === 0) {
            writeFileSync(p.stopping, String(pid));
            try {
              process.kill(pid, 'SIGTERM');
            } catch {
              // Already gone.
            }
          }
        });
      } catch {
        // Lock busy (someone is starting the broker): give the lease back and leave it running.
        rmSync(join(p.leases, leaseName), { force: true });
      }
    },
  };
}

/**
 * Stops the local broker of the port.
 * @param {{ port?: number, ifUnused?: boolean, log?: (message: string) => void }} [options]
 *   ifUnused: leave it running when a live process holds a lease on it
 * @returns {Promise<{ stopped: boolean, reason?: string }>}
 */
export async function stopKafka(options = {}) {
  const { port = kafkaPort(), ifUnused = false, log = defaultLog } = options;
  const p = paths(port);
  if (!existsSync(p.dir)) return { stopped: false, reason: 'not running' };
  return withLock(p.lock, async () => {
    const pid = brokerPid(p);
    if (!pid) {
      for (const file of [p.pidfile, p.stopping, p.autostarted]) rmSync(file, { force: true });
      return { stopped: false, reason: 'not running' };
    }
    const users = liveLeases(p);
    if (ifUnused && users.length > 0) {
      return {
        stopped: false,
        reason: `in use by ${users.length} process(es): pids ${users.map((u) => u.split('-')[0]).join(', ')}`,
      };
    }
    await terminate(p, pid, log);
    rmSync(p.leases, { recursive: true, force: true });
    return { stopped: true };
  });
}

/**
 * What runs on the port.
 * @returns {Promise<{ running: boolean, port: number, brokers: string[], pid?: number,
 *   autostarted: boolean, leases: string[], answers: boolean, external: boolean }>}
 */
export async function kafkaStatus({ port = kafkaPort() } = {}) {
  const p = paths(port);
  const brokers = [`127.0.0.1:${port}`];
  const pid = brokerPid(p);
  let answers = false;
  if (await portAnswers(port)) {
    answers = await describeCluster(brokers, 3000).then(
      () => true,
      () => false,
    );
  }
  const lockOwner = readPid(join(p.lock, 'owner'));
  return {
    running: !!pid || answers,
    /** A process holding the broker lock: starting (or stopping) it right now. */
    busy: lockOwner && isAlive(lockOwner) ? lockOwner : undefined,
    port,
    brokers,
    pid,
    autostarted: !!pid && existsSync(p.autostarted),
    leases: pid ? liveLeases(p) : [],
    answers,
    external: !pid && answers,
    stateDir: p.dir,
  };
}

// ---------------------------------------------------------------- CLI

/**
 * Hides Node's TimeoutNegativeWarning, which kafkajs 2.2.4 triggers on Node 23+ (a negative
 * setTimeout in its request queue; harmless: Node uses 1 ms). Other warnings still print.
 */
export function hideKafkajsTimeoutWarning() {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (warning, ...rest) {
    const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
    if (type === 'TimeoutNegativeWarning' || warning?.name === 'TimeoutNegativeWarning') return;
    return emitWarning.call(process, warning, ...rest);
  };
}

async function main(argv) {
  hideKafkajsTimeoutWarning();
  const [command, ...flags] = argv;
  switch (command) {
    case 'start': {
      const kafka = await ensureKafka({ fresh: flags.includes('--fresh') });
      process.stdout.write(`KAFKA_BROKERS=${kafka.brokers.join(',')}\n`);
      return 0;
    }
    case 'stop': {
      const result = await stopKafka({ ifUnused: flags.includes('--if-unused') });
      process.stdout.write(result.stopped ? 'stopped\n' : `not stopped: ${result.reason}\n`);
      return 0;
    }
    case 'status': {
      const status = await kafkaStatus();
      const busy = status.busy ? ` (pid ${status.busy} is starting or stopping it right now)` : '';
      if (!status.running) {
        process.stdout.write(`not running (port ${status.port})${busy}\n`);
        return 3;
      }
      const who = status.external
        ? 'not started by this script'
        : `pid ${status.pid}, ${status.autostarted ? 'started by a test run' : 'started by hand'}`;
      process.stdout.write(
        `running on ${status.brokers.join(',')} (${who}; ${status.answers ? 'answering' : 'not answering yet'}); ` +
          `users: ${status.leases.length ? status.leases.map((l) => `pid ${l.split('-')[0]}`).join(', ') : 'none'}${busy}\n`,
      );
      return 0;
    }
    case 'ensure-jars': {
      const jars = await ensureJars();
      process.stdout.write(`${jars.dir}\n`);
      return 0;
    }
    default:
      process.stderr.write(
        'usage: node infra/kafka/kafka.mjs start [--fresh] | stop [--if-unused] | status | ensure-jars\n',
      );
      return 2;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`[kafka] ${error.message}\n`);
      process.exit(1);
    },
  );
}

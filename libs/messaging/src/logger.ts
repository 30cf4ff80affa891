/**
 * The logging the adapters need: pino's `(fields, message)` call shape, so a pino
 * logger (nestjs-pino) can be passed as is.
 */
export interface MessagingLogger {
  debug?(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

const line = (level: string, fields: Record<string, unknown>, message: string) =>
  JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields });

/** JSON lines on stderr for warnings and errors; info and debug are dropped. */
export const stderrLogger: MessagingLogger = {
  info: () => undefined,
  warn: (fields, message) => process.stderr.write(`${line('warn', fields, message)}\n`),
  error: (fields, message) => process.stderr.write(`${line('error', fields, message)}\n`),
};

/** Discards everything (tests that provoke failures on purpose). */
export const silentLogger: MessagingLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

import { createLogger } from './logger';
import { NestPinoLogger } from './nest-logger';

function capture(level = 'trace') {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'audit',
    level,
    destination: { write: (line: string) => void lines.push(line) },
  });
  return {
    nest: new NestPinoLogger(logger),
    parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('NestPinoLogger', () => {
  it('maps Nest levels to pino levels and the trailing context argument to a field', () => {
    const { nest, parsed } = capture();
    nest.log('listening', 'NestApplication');
    nest.warn('slow consumer', 'AuditWriter');
    nest.debug('tick');
    nest.verbose('detail', 'X');
    expect(parsed().map((l) => [l.level, l.msg, l.context])).toEqual([
      ['info', 'listening', 'NestApplication'],
      ['warn', 'slow consumer', 'AuditWriter'],
      ['debug', 'tick', undefined],
      ['trace', 'detail', 'X'],
    ]);
  });

  it('keeps the stack Nest passes with an error, and logs an Error object as err', () => {
    const { nest, parsed } = capture();
    const stack = 'Error: boom\n    at Module.init (x.ts:1:1)';
    nest.error('init failed', stack, 'InstanceLoader');
    nest.error(new Error('broken pipe'), 'Relay');
    const [first, second] = parsed();
    expect(first).toMatchObject({
      level: 'error',
      msg: 'init failed',
      stack,
      context: 'InstanceLoader',
    });
    expect(second).toMatchObject({ level: 'error', msg: 'broken pipe', context: 'Relay' });
    expect((second.err as { message: string }).message).toBe('broken pipe');
  });

  it('drops what the level filters out', () => {
    const { nest, parsed } = capture('warn');
    nest.log('ignored');
    nest.debug('ignored');
    nest.warn('kept');
    expect(parsed().map((l) => l.msg)).toEqual(['kept']);
  });
});

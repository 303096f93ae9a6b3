/**
 * NestJS's own log output (framework messages, `new Logger(context)` in services) through pino,
 * as JSON lines with `"event":"nest"` and the Nest context. Nest's `log`, `debug` and `verbose`
 * become pino `debug` (startup chatter, seen with LOG_LEVEL=debug); `warn`, `error` and `fatal`
 * keep their level. Structural: it satisfies Nest's LoggerService without importing Nest.
 */
import type { Level, Logger } from 'pino';

export class NestPinoLogger {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  /** Nest calls error(message, stack?, context?). */
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const rest = [...params];
    // Nest appends the context as the last argument; error() may put a stack before it.
    const context = rest.length > 0 && typeof rest.at(-1) === 'string' ? rest.pop() : undefined;
    const stack = typeof rest[0] === 'string' ? rest[0] : undefined;
    const fields: Record<string, unknown> = { event: 'nest' };
    if (context !== undefined) fields['context'] = context;
    if (stack !== undefined) fields['stack'] = stack;
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, data: message }, 'nest');
    } else {
      this.logger[level](fields, String(message));
    }
  }
}

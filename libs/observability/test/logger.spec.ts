import { Writable } from 'node:stream';
import { createLogger } from '../src/logger.js';
import { NestPinoLogger } from '../src/nest-logger.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const lines = () =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with service, instance, host and a named level', () => {
    const { stream, lines } = capture();
    const log = createLogger({
      service: 'host-agent',
      instance: 'lab-host-a',
      host: 'host-a',
      destination: stream,
    });
    log.info({ event: 'intent-status', intent: 'video' }, 'video: programmed');
    log.debug('not at info');
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        service: 'host-agent',
        instance: 'lab-host-a',
        host: 'host-a',
        pid: process.pid,
        event: 'intent-status',
        intent: 'video',
        msg: 'video: programmed',
      }),
    ]);
  });
});

describe('NestPinoLogger', () => {
  it('keeps Nest errors and warnings, with context and stack; its log level becomes debug', () => {
    const { stream, lines } = capture();
    const nest = new NestPinoLogger(
      createLogger({ service: 'path-svc', instance: 'p1', destination: stream }),
    );
    nest.log('Nest application successfully started', 'NestApplication');
    nest.error('boom', 'Error: boom\n    at x', 'ExceptionsHandler');
    nest.warn('careful', 'Server');
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'error',
        event: 'nest',
        context: 'ExceptionsHandler',
        stack: 'Error: boom\n    at x',
        msg: 'boom',
      }),
      expect.objectContaining({ level: 'warn', context: 'Server', msg: 'careful' }),
    ]);
  });

  it('shows the debug lines when the level asks for them', () => {
    const { stream, lines } = capture();
    const nest = new NestPinoLogger(
      createLogger({ service: 'path-svc', instance: 'p1', level: 'debug', destination: stream }),
    );
    nest.log({ started: true }, 'InstanceLoader');
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'debug',
        context: 'InstanceLoader',
        data: { started: true },
      }),
    ]);
  });
});

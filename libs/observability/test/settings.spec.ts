import { readObservabilitySettings } from '../src/settings.js';

describe('readObservabilitySettings', () => {
  it('has no metrics listener and logs at info when nothing is set', () => {
    expect(readObservabilitySettings({})).toEqual({ logLevel: 'info' });
    expect(readObservabilitySettings({ METRICS_PORT: '' })).toEqual({ logLevel: 'info' });
  });

  it.each([
    [{ METRICS_PORT: '0' }, { port: 0, host: '127.0.0.1' }],
    [
      { METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' },
      { port: 9464, host: '0.0.0.0' },
    ],
  ])('%j listens on %j', (env, metrics) => {
    expect(readObservabilitySettings(env).metrics).toEqual(metrics);
  });

  it.each(['-1', '65536', '9x', ' 80'])('refuses METRICS_PORT %j, naming it', (port) => {
    expect(() => readObservabilitySettings({ METRICS_PORT: port })).toThrow(/^METRICS_PORT/);
  });

  it('takes a pino level and refuses anything else', () => {
    expect(readObservabilitySettings({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(() => readObservabilitySettings({ LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL 'loud'/);
  });
});

import { ConfigError, loadApiConfig, loadWorkerConfig } from '../../src/config/env';

const DATABASE_URL = 'postgresql://tv:pw@localhost:5432/tenantvault';

/** The ConfigError a loader throws for `env`. */
function configError(load: (env: NodeJS.ProcessEnv) => unknown, env: NodeJS.ProcessEnv): ConfigError {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadApiConfig', () => {
  it('applies defaults for everything but DATABASE_URL', () => {
    expect(loadApiConfig({ DATABASE_URL })).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DATABASE_URL,
      TEMPORAL_ADDRESS: 'localhost:7233',
      TEMPORAL_NAMESPACE: 'default',
      PORT: 3000,
      RECONCILE_INTERVAL_SECONDS: 60,
      SCHEDULE_JITTER_SECONDS: 0,
    });
  });

  it('reads RECONCILE_INTERVAL_SECONDS, where 0 turns the reconciler off', () => {
    expect(loadApiConfig({ DATABASE_URL, RECONCILE_INTERVAL_SECONDS: '0' }).RECONCILE_INTERVAL_SECONDS).toBe(
      0,
    );
    expect(() => loadApiConfig({ DATABASE_URL, RECONCILE_INTERVAL_SECONDS: '-5' })).toThrow(
      /RECONCILE_INTERVAL_SECONDS/,
    );
  });

  it('reads PORT as a number', () => {
    expect(loadApiConfig({ DATABASE_URL, PORT: '8080' }).PORT).toBe(8080);
  });

  it('rejects a PORT out of range', () => {
    expect(configError(loadApiConfig, { DATABASE_URL, PORT: '70000' }).message).toContain('PORT');
  });

  it('accepts the postgres:// scheme too', () => {
    expect(loadApiConfig({ DATABASE_URL: 'postgres://h/db' }).DATABASE_URL).toBe('postgres://h/db');
  });

  it('requires DATABASE_URL', () => {
    const error = configError(loadApiConfig, {});
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('DATABASE_URL');
  });

  it('requires DATABASE_URL to be a postgres URL', () => {
    expect(configError(loadApiConfig, { DATABASE_URL: 'mysql://h/db' }).message).toContain(
      'DATABASE_URL: must be a postgresql:// URL',
    );
    expect(configError(loadApiConfig, { DATABASE_URL: 'not a url' }).message).toContain('DATABASE_URL');
  });

  it('rejects a TLS certificate without its key', () => {
    const error = configError(loadApiConfig, { DATABASE_URL, TEMPORAL_TLS_CERT_FILE: '/certs/client.pem' });
    expect(error.message).toContain('TEMPORAL_TLS_KEY_FILE');
    expect(error.message).toContain('must be set together');
  });

  it('rejects a TLS key without its certificate', () => {
    expect(
      configError(loadApiConfig, { DATABASE_URL, TEMPORAL_TLS_KEY_FILE: '/certs/client.key' }).message,
    ).toContain('must be set together');
  });

  it('accepts a TLS certificate with its key', () => {
    const config = loadApiConfig({
      DATABASE_URL,
      TEMPORAL_TLS_CERT_FILE: '/certs/client.pem',
      TEMPORAL_TLS_KEY_FILE: '/certs/client.key',
    });
    expect(config.TEMPORAL_TLS_CERT_FILE).toBe('/certs/client.pem');
    expect(config.TEMPORAL_TLS_KEY_FILE).toBe('/certs/client.key');
  });

  it('names every invalid variable but never echoes a value', () => {
    const apiKey = 'tvk_live_9f8e7d6c5b4a3210SECRET';
    const dbPassword = 'hunter2-db-password';
    const error = configError(loadApiConfig, {
      DATABASE_URL: `mysql://tv:${dbPassword}@db/tenantvault`,
      TEMPORAL_API_KEY: apiKey,
      LOG_LEVEL: 'verbose-secret-level',
      PORT: 'port-secret',
    });
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).toContain('LOG_LEVEL');
    expect(error.message).toContain('PORT');
    for (const value of [apiKey, dbPassword, 'verbose-secret-level', 'port-secret']) {
      expect(error.message).not.toContain(value);
    }
  });
});

describe('loadWorkerConfig', () => {
  it('applies the shared and worker defaults', () => {
    const config = loadWorkerConfig({ DATABASE_URL });
    expect(config.TEMPORAL_ADDRESS).toBe('localhost:7233');
    expect(config.TEMPORAL_NAMESPACE).toBe('default');
    expect(config.WORKER_MAX_CONCURRENT_ACTIVITIES).toBe(20);
    expect(config.WORKER_TASK_QUEUE).toBe('backups');
    expect(config.METRICS_PORT).toBe(9464);
    expect(config).not.toHaveProperty('PORT');
  });

  it('names METRICS_PORT when it is not a port', () => {
    expect(configError(loadWorkerConfig, { DATABASE_URL, METRICS_PORT: '70000' }).message).toMatch(
      /METRICS_PORT/,
    );
  });

  it('takes the Temporal address and namespace from the environment', () => {
    const config = loadWorkerConfig({
      DATABASE_URL,
      TEMPORAL_ADDRESS: 'tv.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'tv.a1b2c',
    });
    expect(config.TEMPORAL_ADDRESS).toBe('tv.a1b2c.tmprl.cloud:7233');
    expect(config.TEMPORAL_NAMESPACE).toBe('tv.a1b2c');
  });

  it('requires DATABASE_URL', () => {
    expect(configError(loadWorkerConfig, {}).message).toContain('DATABASE_URL');
  });

  it('rejects a TLS certificate without its key', () => {
    expect(
      configError(loadWorkerConfig, { DATABASE_URL, TEMPORAL_TLS_CERT_FILE: '/certs/client.pem' }).message,
    ).toContain('TEMPORAL_TLS_KEY_FILE');
  });

  it('rejects a concurrency limit of 0', () => {
    expect(
      configError(loadWorkerConfig, { DATABASE_URL, WORKER_MAX_CONCURRENT_ACTIVITIES: '0' }).message,
    ).toContain('WORKER_MAX_CONCURRENT_ACTIVITIES');
  });
});

import { DEFAULT_OFFBOARDED_RETENTION_DAYS } from '../../src/api/deps';
import { DEFAULT_AUTH_FAILURE_LIMIT } from '../../src/api/hardening/authFailures';
import { ConfigError, loadAdminConfig, loadApiConfig, loadWorkerConfig } from '../../src/config/env';
import { DEFAULT_TOKEN_POLICY, tokenPolicyOf } from '../../src/services/users';

const DATABASE_URL = 'postgresql://tv:pw@localhost:5432/tenantvault';
const KEY_A = Buffer.alloc(32, 0xa1).toString('base64');
const KEY_B = Buffer.alloc(32, 0xb2).toString('base64');
/** Both services refuse to start without the encryption keys of tenant secrets. */
const KEYS = { SECRET_ENCRYPTION_KEYS: `k1:${KEY_A},k2:${KEY_B}`, SECRET_ENCRYPTION_KEY_ID: 'k2' };

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
  it('applies defaults for everything but DATABASE_URL and the secret keys', () => {
    const { secretKeys, ...rest } = loadApiConfig({ DATABASE_URL, ...KEYS });
    expect(rest).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DATABASE_URL,
      DATABASE_POOL_SIZE: 10,
      TEMPORAL_ADDRESS: 'localhost:7233',
      TEMPORAL_NAMESPACE: 'default',
      PORT: 3000,
      RECONCILE_INTERVAL_SECONDS: 60,
      SCHEDULE_JITTER_SECONDS: 0,
      API_RATE_LIMIT_PER_MINUTE: 600,
      GRAPH_ENDPOINT_ALLOWLIST: [],
      // Connection tests reach Graph as the worker does.
      GRAPH_TENANT_REQUESTS_PER_20S: 1000,
      GRAPH_REQUEST_TIMEOUT_SECONDS: 60,
      NOTIFICATION_ENDPOINT_ALLOWLIST: [],
      OFFBOARDED_TENANT_RETENTION_DAYS: 30,
      OFFSITE_ENDPOINT_ALLOWLIST: [],
      API_AUTH_FAILURE_LIMIT: 30,
      API_AUTH_FAILURE_WINDOW_SECONDS: 300,
      API_TRUST_PROXY: false,
      API_ITEMS_PAGE_MAX_BYTES: 4 * 1024 * 1024,
      PUBLIC_API_URL: 'http://localhost:3000',
      NOTIFICATION_RETRY_SCHEDULE: ['0s', '5s', '5m', '30m', '2h', '5h', '10h', '14h', '20h', '24h'],
      API_TOKEN_MAX_LIFETIME_DAYS: 90,
      API_MAX_TOKENS_PER_USER: 20,
    });
    expect(secretKeys.toJSON()).toEqual({ activeKeyId: 'k2', keyIds: ['k1', 'k2'] });
  });

  it('reads DATABASE_POOL_SIZE, at least 2', () => {
    expect(loadApiConfig({ DATABASE_URL, ...KEYS, DATABASE_POOL_SIZE: '25' }).DATABASE_POOL_SIZE).toBe(25);
    expect(() => loadApiConfig({ DATABASE_URL, ...KEYS, DATABASE_POOL_SIZE: '1' })).toThrow(
      /DATABASE_POOL_SIZE/,
    );
  });

  it('reads API_RATE_LIMIT_PER_MINUTE, at least 1', () => {
    expect(
      loadApiConfig({ DATABASE_URL, ...KEYS, API_RATE_LIMIT_PER_MINUTE: '60' }).API_RATE_LIMIT_PER_MINUTE,
    ).toBe(60);
    expect(() => loadApiConfig({ DATABASE_URL, ...KEYS, API_RATE_LIMIT_PER_MINUTE: '0' })).toThrow(
      /API_RATE_LIMIT_PER_MINUTE/,
    );
  });

  it('has the defaults the API falls back on without a configuration (tests, benchmarks)', () => {
    const config = loadApiConfig({ DATABASE_URL, ...KEYS });
    expect(tokenPolicyOf(config)).toEqual(DEFAULT_TOKEN_POLICY);
    expect({
      limit: config.API_AUTH_FAILURE_LIMIT,
      windowSeconds: config.API_AUTH_FAILURE_WINDOW_SECONDS,
    }).toEqual(DEFAULT_AUTH_FAILURE_LIMIT);
    expect(config.OFFBOARDED_TENANT_RETENTION_DAYS).toBe(DEFAULT_OFFBOARDED_RETENTION_DAYS);
  });

  it('reads OFFBOARDED_TENANT_RETENTION_DAYS, where 0 purges an offboarded tenant at once', () => {
    const load = (value: string) =>
      loadApiConfig({ DATABASE_URL, ...KEYS, OFFBOARDED_TENANT_RETENTION_DAYS: value });
    expect(load('0').OFFBOARDED_TENANT_RETENTION_DAYS).toBe(0);
    expect(load('90').OFFBOARDED_TENANT_RETENTION_DAYS).toBe(90);
    for (const bad of ['-1', '1.5', 'forever'])
      expect(() => load(bad)).toThrow(/OFFBOARDED_TENANT_RETENTION_DAYS/);
  });

  it('reads the token rules, for the API and the admin command line alike', () => {
    const env = { DATABASE_URL, ...KEYS, API_TOKEN_MAX_LIFETIME_DAYS: '30', API_MAX_TOKENS_PER_USER: '5' };
    for (const load of [loadApiConfig, loadAdminConfig])
      expect(tokenPolicyOf(load(env))).toEqual({ maxLifetimeDays: 30, maxActivePerUser: 5 });
    expect(tokenPolicyOf(loadAdminConfig({ DATABASE_URL }))).toEqual(DEFAULT_TOKEN_POLICY);
    for (const [name, value] of [
      ['API_TOKEN_MAX_LIFETIME_DAYS', '0'],
      ['API_TOKEN_MAX_LIFETIME_DAYS', '3651'],
      ['API_MAX_TOKENS_PER_USER', '0'],
    ] as const) {
      expect(configError(loadAdminConfig, { DATABASE_URL, [name]: value }).message).toContain(name);
      expect(configError(loadApiConfig, { DATABASE_URL, ...KEYS, [name]: value }).message).toContain(name);
    }
  });

  it('reads the failed-authentication throttle, at least 1 each', () => {
    const config = loadApiConfig({
      DATABASE_URL,
      ...KEYS,
      API_AUTH_FAILURE_LIMIT: '5',
      API_AUTH_FAILURE_WINDOW_SECONDS: '60',
    });
    expect([config.API_AUTH_FAILURE_LIMIT, config.API_AUTH_FAILURE_WINDOW_SECONDS]).toEqual([5, 60]);
    for (const name of ['API_AUTH_FAILURE_LIMIT', 'API_AUTH_FAILURE_WINDOW_SECONDS'])
      expect(configError(loadApiConfig, { DATABASE_URL, ...KEYS, [name]: '0' }).message).toContain(name);
  });

  it('reads API_TRUST_PROXY as a hop count or proxy addresses, and refuses to trust every proxy', () => {
    const trust = (value: string) =>
      loadApiConfig({ DATABASE_URL, ...KEYS, API_TRUST_PROXY: value }).API_TRUST_PROXY;
    expect(trust('1')).toBe(1);
    expect(trust('false')).toBe(false);
    expect(trust('loopback, 10.0.0.0/8, fd00::/8')).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8']);
    for (const value of ['true', '0', '10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/1']) {
      const message = configError(loadApiConfig, { DATABASE_URL, ...KEYS, API_TRUST_PROXY: value }).message;
      expect([value, message]).toEqual([
        value,
        expect.stringContaining('API_TRUST_PROXY: must be a hop count'),
      ]);
    }
  });

  it('reads API_ITEMS_PAGE_MAX_BYTES, at least 64 KiB', () => {
    expect(
      loadApiConfig({ DATABASE_URL, ...KEYS, API_ITEMS_PAGE_MAX_BYTES: '1048576' }).API_ITEMS_PAGE_MAX_BYTES,
    ).toBe(1_048_576);
    expect(
      configError(loadApiConfig, { DATABASE_URL, ...KEYS, API_ITEMS_PAGE_MAX_BYTES: '1000' }).message,
    ).toContain('API_ITEMS_PAGE_MAX_BYTES');
  });

  it('reads RECONCILE_INTERVAL_SECONDS, where 0 turns the reconciler off', () => {
    expect(
      loadApiConfig({ DATABASE_URL, ...KEYS, RECONCILE_INTERVAL_SECONDS: '0' }).RECONCILE_INTERVAL_SECONDS,
    ).toBe(0);
    expect(() => loadApiConfig({ DATABASE_URL, ...KEYS, RECONCILE_INTERVAL_SECONDS: '-5' })).toThrow(
      /RECONCILE_INTERVAL_SECONDS/,
    );
  });

  it('reads PORT as a number', () => {
    expect(loadApiConfig({ DATABASE_URL, ...KEYS, PORT: '8080' }).PORT).toBe(8080);
  });

  it('rejects a PORT out of range', () => {
    expect(configError(loadApiConfig, { DATABASE_URL, ...KEYS, PORT: '70000' }).message).toContain('PORT');
  });

  it('accepts the postgres:// scheme too', () => {
    expect(loadApiConfig({ ...KEYS, DATABASE_URL: 'postgres://h/db' }).DATABASE_URL).toBe('postgres://h/db');
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
    const error = configError(loadApiConfig, {
      DATABASE_URL,
      ...KEYS,
      TEMPORAL_TLS_CERT_FILE: '/certs/client.pem',
    });
    expect(error.message).toContain('TEMPORAL_TLS_KEY_FILE');
    expect(error.message).toContain('must be set together');
  });

  it('rejects a TLS key without its certificate', () => {
    expect(
      configError(loadApiConfig, { DATABASE_URL, ...KEYS, TEMPORAL_TLS_KEY_FILE: '/certs/client.key' })
        .message,
    ).toContain('must be set together');
  });

  it('accepts a TLS certificate with its key', () => {
    const config = loadApiConfig({
      DATABASE_URL,
      ...KEYS,
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

describe('NOTIFICATION_RETRY_SCHEDULE', () => {
  it('takes comma-separated durations and refuses anything else, naming the variable', () => {
    const config = loadApiConfig({ DATABASE_URL, ...KEYS, NOTIFICATION_RETRY_SCHEDULE: '0s, 1s,250ms' });
    expect(config.NOTIFICATION_RETRY_SCHEDULE).toEqual(['0s', '1s', '250ms']);
    const error = configError(loadApiConfig, {
      DATABASE_URL,
      ...KEYS,
      NOTIFICATION_RETRY_SCHEDULE: '0s,soon',
    });
    expect(error.message).toContain('NOTIFICATION_RETRY_SCHEDULE');
  });
});

describe('loadWorkerConfig', () => {
  it('applies the shared and worker defaults', () => {
    const config = loadWorkerConfig({ DATABASE_URL, ...KEYS });
    expect(config.TEMPORAL_ADDRESS).toBe('localhost:7233');
    expect(config.TEMPORAL_NAMESPACE).toBe('default');
    expect(config.WORKER_MAX_CONCURRENT_ACTIVITIES).toBe(20);
    expect(config.WORKER_TASK_QUEUE).toBe('backups');
    expect(config.METRICS_PORT).toBe(9464);
    // Graph's own per-tenant budget unless a benchmark against the emulator lifts it.
    expect(config.GRAPH_TENANT_REQUESTS_PER_20S).toBe(1_000);
    expect(config).not.toHaveProperty('PORT');
  });

  it('names METRICS_PORT when it is not a port', () => {
    expect(configError(loadWorkerConfig, { DATABASE_URL, ...KEYS, METRICS_PORT: '70000' }).message).toMatch(
      /METRICS_PORT/,
    );
  });

  it('takes the Temporal address and namespace from the environment', () => {
    const config = loadWorkerConfig({
      DATABASE_URL,
      ...KEYS,
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
      configError(loadWorkerConfig, { DATABASE_URL, ...KEYS, TEMPORAL_TLS_CERT_FILE: '/certs/client.pem' })
        .message,
    ).toContain('TEMPORAL_TLS_KEY_FILE');
  });

  it('rejects a concurrency limit of 0', () => {
    expect(
      configError(loadWorkerConfig, { DATABASE_URL, ...KEYS, WORKER_MAX_CONCURRENT_ACTIVITIES: '0' }).message,
    ).toContain('WORKER_MAX_CONCURRENT_ACTIVITIES');
  });

  it('has notification defaults: no SMTP, no trusted receivers, links to localhost:3000', () => {
    const config = loadWorkerConfig({ DATABASE_URL, ...KEYS });
    expect(config.SMTP_HOST).toBeUndefined();
    expect(config).toMatchObject({
      SMTP_PORT: 587,
      SMTP_SECURE: false,
      NOTIFICATION_ENDPOINT_ALLOWLIST: [],
      PUBLIC_API_URL: 'http://localhost:3000',
      WORKER_MAX_CONCURRENT_DELIVERIES: 20,
    });
  });

  it('reads SMTP settings and requires SMTP_FROM with SMTP_HOST, without echoing the password', () => {
    const smtp = {
      SMTP_HOST: 'smtp.example.com',
      SMTP_PORT: '465',
      SMTP_SECURE: 'true',
      SMTP_PASSWORD: 'hunter2-secret',
    };
    const error = configError(loadWorkerConfig, { DATABASE_URL, ...KEYS, ...smtp });
    expect(error.message).toContain('SMTP_FROM');
    expect(error.message).not.toContain('hunter2-secret');
    const config = loadWorkerConfig({ DATABASE_URL, ...KEYS, ...smtp, SMTP_FROM: 'alerts@example.com' });
    expect(config).toMatchObject({ SMTP_HOST: 'smtp.example.com', SMTP_PORT: 465, SMTP_SECURE: true });
  });

  it('parses NOTIFICATION_ENDPOINT_ALLOWLIST like GRAPH_ENDPOINT_ALLOWLIST and names a bad entry', () => {
    const config = loadWorkerConfig({
      DATABASE_URL,
      ...KEYS,
      NOTIFICATION_ENDPOINT_ALLOWLIST: '127.0.0.1:8443, hooks.local',
    });
    expect(config.NOTIFICATION_ENDPOINT_ALLOWLIST).toEqual(['127.0.0.1:8443', 'hooks.local:443']);
    const error = configError(loadWorkerConfig, {
      DATABASE_URL,
      ...KEYS,
      NOTIFICATION_ENDPOINT_ALLOWLIST: 'https://x/y',
    });
    expect(error.message).toContain('NOTIFICATION_ENDPOINT_ALLOWLIST');
  });
});

describe('offsite settings', () => {
  it('parses OFFSITE_ENDPOINT_ALLOWLIST for the API and the worker and names a bad entry', () => {
    const env = { DATABASE_URL, ...KEYS, OFFSITE_ENDPOINT_ALLOWLIST: '127.0.0.1:10000, s3.internal' };
    expect(loadApiConfig(env).OFFSITE_ENDPOINT_ALLOWLIST).toEqual(['127.0.0.1:10000', 's3.internal:443']);
    expect(loadWorkerConfig(env).OFFSITE_ENDPOINT_ALLOWLIST).toEqual(['127.0.0.1:10000', 's3.internal:443']);
    const error = configError(loadApiConfig, {
      DATABASE_URL,
      ...KEYS,
      OFFSITE_ENDPOINT_ALLOWLIST: 'https://x/y',
    });
    expect(error.message).toContain('OFFSITE_ENDPOINT_ALLOWLIST');
  });
});

describe('notification settings of the API', () => {
  it('reads NOTIFICATION_ENDPOINT_ALLOWLIST as host:port keys and the retry schedule as durations', () => {
    const config = loadApiConfig({
      DATABASE_URL,
      ...KEYS,
      NOTIFICATION_ENDPOINT_ALLOWLIST: '127.0.0.1:9443, hooks.internal',
      NOTIFICATION_RETRY_SCHEDULE: '0s, 1s,2s',
    });
    expect(config.NOTIFICATION_ENDPOINT_ALLOWLIST).toEqual(['127.0.0.1:9443', 'hooks.internal:443']);
    expect(config.NOTIFICATION_RETRY_SCHEDULE).toEqual(['0s', '1s', '2s']);
  });

  it.each([
    ['NOTIFICATION_RETRY_SCHEDULE', '0s,soon'],
    ['NOTIFICATION_RETRY_SCHEDULE', '5 minutes'],
    ['NOTIFICATION_ENDPOINT_ALLOWLIST', 'https://hooks.internal'],
  ])('refuses %s=%j, naming the variable', (name, value) => {
    expect(() => loadApiConfig({ DATABASE_URL, ...KEYS, [name]: value })).toThrow(new RegExp(`${name}:`));
  });
});

describe('GRAPH_ENDPOINT_ALLOWLIST', () => {
  it.each([
    ['API', loadApiConfig],
    ['worker', loadWorkerConfig],
  ])('the %s reads it as host:port keys (443 unless given), ignoring blank entries', (_, load) => {
    const config = load({
      DATABASE_URL,
      ...KEYS,
      GRAPH_ENDPOINT_ALLOWLIST: ' 127.0.0.1:4443, Graph.Proxy.Internal ,,[::1]:8443,',
    });
    expect(config.GRAPH_ENDPOINT_ALLOWLIST).toEqual([
      '127.0.0.1:4443',
      'graph.proxy.internal:443',
      '[::1]:8443',
    ]);
    expect(load({ DATABASE_URL, ...KEYS, GRAPH_ENDPOINT_ALLOWLIST: '' }).GRAPH_ENDPOINT_ALLOWLIST).toEqual(
      [],
    );
  });

  it.each([
    'https://127.0.0.1:4443',
    '127.0.0.1:4443/v1.0',
    'user@proxy.internal',
    '*.microsoft.com',
    'proxy.internal:99999',
    'proxy internal',
  ])('refuses the entry %j, naming the variable and the position but not the value', (entry) => {
    const error = configError(loadWorkerConfig, {
      DATABASE_URL,
      ...KEYS,
      GRAPH_ENDPOINT_ALLOWLIST: `127.0.0.1:4443,${entry}`,
    });
    expect(error.message).toContain('GRAPH_ENDPOINT_ALLOWLIST: entry 2');
    expect(error.message).not.toContain(entry);
  });
});

describe('the secret encryption keys', () => {
  it.each([
    ['API', loadApiConfig],
    ['worker', loadWorkerConfig],
  ])('the %s refuses to start without them, in every NODE_ENV', (_, load) => {
    for (const NODE_ENV of ['production', 'development', 'test']) {
      const message = configError(load, { DATABASE_URL, NODE_ENV }).message;
      expect(message).toContain('SECRET_ENCRYPTION_KEYS: required');
      expect(message).toContain('SECRET_ENCRYPTION_KEY_ID: required');
    }
  });

  it('parses the ring and keeps no key material in the config as text', () => {
    const config = loadWorkerConfig({ DATABASE_URL, ...KEYS });
    expect(config.secretKeys.activeKeyId).toBe('k2');
    expect(config.secretKeys.key('k1')).toEqual(Buffer.from(KEY_A, 'base64'));
    expect(config).not.toHaveProperty('SECRET_ENCRYPTION_KEYS');
    const printed = JSON.stringify(config);
    expect(printed).not.toContain(KEY_A);
    expect(printed).not.toContain(KEY_B);
  });

  it.each([
    [{ SECRET_ENCRYPTION_KEY_ID: 'k3' }, 'SECRET_ENCRYPTION_KEY_ID: "k3" is not one of the keys'],
    [
      { SECRET_ENCRYPTION_KEYS: `k1:${KEY_A.slice(4)}`, SECRET_ENCRYPTION_KEY_ID: 'k1' },
      'SECRET_ENCRYPTION_KEYS: key "k1" must be 32',
    ],
    [
      { SECRET_ENCRYPTION_KEYS: `k1:${KEY_A},k1:${KEY_B}`, SECRET_ENCRYPTION_KEY_ID: 'k1' },
      '"k1" appears twice',
    ],
  ])('names what is wrong with %j, never a key', (change, message) => {
    const error = configError(loadApiConfig, { DATABASE_URL, ...KEYS, ...change });
    expect(error.message).toContain(message);
    expect(error.message).not.toContain(KEY_A.slice(4, 24));
    expect(error.message).not.toContain(KEY_B.slice(4, 24));
  });

  it('are optional for the admin command line, but set together', () => {
    expect(loadAdminConfig({ DATABASE_URL }).secretKeys).toBeUndefined();
    expect(loadAdminConfig({ DATABASE_URL, ...KEYS }).secretKeys?.activeKeyId).toBe('k2');
    expect(
      configError(loadAdminConfig, { DATABASE_URL, SECRET_ENCRYPTION_KEYS: KEYS.SECRET_ENCRYPTION_KEYS })
        .message,
    ).toContain('must be set together');
    expect(configError(loadAdminConfig, {}).message).toContain('DATABASE_URL');
  });
});

describe('TLS certificate verification', () => {
  it.each([
    ['API', loadApiConfig],
    ['worker', loadWorkerConfig],
    ['admin command line', loadAdminConfig],
  ])('the %s refuses to start in production with NODE_TLS_REJECT_UNAUTHORIZED=0', (_, load) => {
    const insecure = { DATABASE_URL, ...KEYS, NODE_TLS_REJECT_UNAUTHORIZED: '0' };
    expect(configError(load, { ...insecure, NODE_ENV: 'production' }).message).toContain(
      'NODE_TLS_REJECT_UNAUTHORIZED: must not be 0 with NODE_ENV=production',
    );
    // Outside production it is a developer's choice (Node warns about it itself).
    expect(() => load({ ...insecure, NODE_ENV: 'development' })).not.toThrow();
    expect(() =>
      load({ DATABASE_URL, ...KEYS, NODE_ENV: 'production', NODE_TLS_REJECT_UNAUTHORIZED: '1' }),
    ).not.toThrow();
    expect(() => load({ DATABASE_URL, ...KEYS, NODE_ENV: 'production' })).not.toThrow();
  });
});

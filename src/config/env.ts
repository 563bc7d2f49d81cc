// Configuration comes only from environment variables, validated once at start so a bad
// deployment fails immediately with the variable named, instead of at first use.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { AllowlistEntryError, parseAllowlist } from '../outbound/allowlist';
import { KeyRingError, parseKeyRing, type SecretKeyRing } from '../secrets/keyRing';
import { BACKUP_TASK_QUEUE, STANDARD_WEBHOOKS_RETRY_SCHEDULE } from '../shared/constants';

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');
const optionalPath = z.string().min(1).optional();

const common = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: logLevel,
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// URL' })
    .refine((url) => /^postgres(ql)?:\/\/[^/?#]/.test(url), 'must be a postgresql:// URL with a host'),
  /**
   * PostgreSQL connections this process may hold at once (its pool's size): what bounds the
   * database's connections is processes x this, never the number of tenants (docs/scaling.md).
   */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(10),
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS_CERT_FILE: optionalPath,
  TEMPORAL_TLS_KEY_FILE: optionalPath,
  TEMPORAL_TLS_CA_FILE: optionalPath,
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** Node's own switch; '0' turns off certificate checks of every TLS connection of the process. */
  NODE_TLS_REJECT_UNAUTHORIZED: z.string().optional(),
});

/**
 * In production, certificate checks stay on: with NODE_TLS_REJECT_UNAUTHORIZED=0 the process
 * would send Graph client secrets (worker), database and Temporal credentials (all of them) to
 * whoever answers in the middle. A debugging setting left in a deployment must stop it.
 */
const tlsVerified = (env: { NODE_ENV: string; NODE_TLS_REJECT_UNAUTHORIZED?: string | undefined }) =>
  env.NODE_ENV !== 'production' || env.NODE_TLS_REJECT_UNAUTHORIZED !== '0';
const tlsVerifiedError = {
  message: 'must not be 0 with NODE_ENV=production: it turns off TLS certificate verification',
  path: ['NODE_TLS_REJECT_UNAUTHORIZED'],
};

/** The keys of tenant client secrets at rest: the API encrypts with them, the worker decrypts. */
const secretKeyVars = z.object({
  /** keyId:base64 entries, comma-separated: every key a stored tenant secret may be encrypted with. */
  SECRET_ENCRYPTION_KEYS: z.string({ error: 'required: comma-separated keyId:base64key entries' }).min(1),
  /** The key new encryptions use; one of SECRET_ENCRYPTION_KEYS. */
  SECRET_ENCRYPTION_KEY_ID: z.string({ error: 'required: the id of the key for new encryptions' }).min(1),
});

/** Comma-separated `host` or `host:port` entries as allowlist keys (src/outbound/allowlist.ts). */
const allowlistVar = z
  .string()
  .optional()
  .transform((text, ctx) => {
    try {
      return parseAllowlist(text);
    } catch (error) {
      if (!(error instanceof AllowlistEntryError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  });

/**
 * Extra `host` or `host:port` entries (comma-separated) a tenant's Graph and login URLs may name,
 * reached even at private addresses: the dev emulator, an internal proxy. Parsed into allowlist
 * keys; the API and the worker must be given the same list.
 */
const graphEndpointVars = z.object({ GRAPH_ENDPOINT_ALLOWLIST: allowlistVar });
/** How the worker's syncs and the API's connection tests reach Graph: the same on both. */
const graphClientVars = z.object({
  /** Extra CA trusted for Graph and login, for the dev emulator's self-signed certificate. */
  GRAPH_CA_FILE: optionalPath,
  /**
   * Graph's request budget per 20 s per app and tenant (1,000); each process allows itself 95 % of
   * it (src/graph/requestBudget.ts). Only benchmarks raise it, to measure our own cost unthrottled.
   */
  GRAPH_TENANT_REQUESTS_PER_20S: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
  /** Deadline of one Graph request, headers and body together: no slow host holds a slot longer. */
  GRAPH_REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(60),
});

/**
 * `host` or `host:port` entries that webhook and Teams channel URLs may name even at private
 * addresses (a receiver on loopback in development); the API and the worker must be given the
 * same list.
 */
const notificationEndpointVars = z.object({ NOTIFICATION_ENDPOINT_ALLOWLIST: allowlistVar });

/**
 * `host` or `host:port` entries that offsite destinations (Azure account URLs and connection
 * strings' blob endpoints, S3 endpoints) may name even at private addresses (Azurite or an S3
 * server on loopback in development and tests); the API and the worker must be given the same.
 */
const offsiteEndpointVars = z.object({ OFFSITE_ENDPOINT_ALLOWLIST: allowlistVar });

/**
 * What the run's notification events need (the worker writes them, src/activities/auditRun.ts):
 * where their links point, and the delay before each delivery attempt (Temporal durations such
 * as `5s`, `30m`, `24h`; the first usually `0s`). The API takes the same names.
 */
const notificationEventVars = z.object({
  PUBLIC_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s):// URL' })
    .default('http://localhost:3000')
    .transform((url) => url.replace(/\/+$/, '')),
  NOTIFICATION_RETRY_SCHEDULE: z
    .string()
    .default(STANDARD_WEBHOOKS_RETRY_SCHEDULE.join(','))
    .transform((text) => text.split(',').map((delay) => delay.trim()))
    .refine((delays) => delays.length >= 1 && delays.length <= 50, 'must list 1 to 50 delays')
    .refine(
      (delays) => delays.every((delay) => /^\d{1,7}(ms|s|m|h|d)$/.test(delay)),
      'must be comma-separated durations such as 0s,5s,5m,30m,2h',
    ),
});

const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1');

/**
 * The SMTP server e-mail channels are sent through (worker only). Unset SMTP_HOST: e-mail
 * deliveries fail saying so. SMTP_SECURE=true is TLS from the first byte (port 465); otherwise
 * the connection upgrades with STARTTLS when the server offers it, and must when SMTP_USER is set
 * (the password is never sent without TLS). The password is never logged.
 */
const smtpVars = z.object({
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  SMTP_SECURE: flag,
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  /** The From address of notification e-mails, e.g. "TenantVault <alerts@example.com>". */
  SMTP_FROM: z.string().min(3).optional(),
});
const smtpComplete = (env: z.infer<typeof smtpVars>) => !env.SMTP_HOST || env.SMTP_FROM !== undefined;
const smtpCompleteError = { message: 'required when SMTP_HOST is set', path: ['SMTP_FROM'] };

/** Token rules of the API and the admin command line (TokenPolicy in src/services/users.ts). */
const tokenPolicyVars = z.object({
  /** Every token expires within this many days; a token issued without a lifetime gets it. */
  API_TOKEN_MAX_LIFETIME_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** Tokens one user may hold that are neither revoked nor expired. */
  API_MAX_TOKENS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(20),
});

const NAMED_PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/** An address or CIDR range Express's `trust proxy` takes, or one of its named ranges. */
function isProxyRange(entry: string): boolean {
  if (NAMED_PROXY_RANGES.includes(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (!version || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}

/**
 * Which proxies in front of the API to believe about the client's address (X-Forwarded-For), as
 * Express's `trust proxy`: unset, nobody (the socket's peer is the client); a hop count; or the
 * proxies' addresses and ranges. `true` is refused: every client could then name its own address
 * and slip past the per-address throttle of failed authentications.
 */
const trustProxy = z
  .string()
  .optional()
  .transform((value, ctx): false | number | string[] => {
    const text = value?.trim() ?? '';
    if (text === '' || text === 'false') return false;
    if (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 10) return Number(text);
    const entries = text.split(',').map((entry) => entry.trim());
    if (!/^\d+$/.test(text) && entries.every(isProxyRange)) return entries;
    ctx.addIssue({
      code: 'custom',
      message:
        'must be a hop count (1-10) or comma-separated proxy addresses or CIDR ranges ' +
        '(or loopback, linklocal, uniquelocal); not true, which would let any client name its address',
    });
    return z.NEVER;
  });

type SecretKeyVars = Partial<z.infer<typeof secretKeyVars>>;

/**
 * Replaces the two variables by the parsed ring (undefined when they are unset, which only the
 * admin schema allows), so a config object holds no key material as text.
 */
function withKeyRing<T extends SecretKeyVars>(env: T, ctx: z.core.$RefinementCtx<T>) {
  const { SECRET_ENCRYPTION_KEYS: keys, SECRET_ENCRYPTION_KEY_ID: activeKeyId, ...rest } = env;
  let secretKeys: SecretKeyRing | undefined;
  try {
    if (keys !== undefined && activeKeyId !== undefined) secretKeys = parseKeyRing(keys, activeKeyId);
  } catch (error) {
    if (!(error instanceof KeyRingError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message, path: [error.variable] });
  }
  return { ...rest, secretKeys };
}

const withRequiredKeyRing = <T extends SecretKeyVars>(env: T, ctx: z.core.$RefinementCtx<T>) =>
  withKeyRing(env, ctx) as ReturnType<typeof withKeyRing<T>> & { secretKeys: SecretKeyRing };

const mtlsPair = (env: z.infer<typeof common>) => !env.TEMPORAL_TLS_CERT_FILE === !env.TEMPORAL_TLS_KEY_FILE;
const mtlsPairError = {
  message: 'TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE must be set together',
  path: ['TEMPORAL_TLS_KEY_FILE'],
};

const apiSchema = common
  .extend({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Address the API listens on; unset: every interface (a container behind a proxy). `npm run dev`: 127.0.0.1. */
    HOST: z.string().min(1).max(255).optional(),
    /** Seconds between schedule reconciliation passes (one also runs at start); 0 turns it off. */
    RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
    /** Up to this many seconds of random delay per scheduled run, to spread schedules; 0: none. */
    SCHEDULE_JITTER_SECONDS: z.coerce.number().int().min(0).max(3_600).default(0),
    /** Requests per minute one API token may make; more answer 429 with Retry-After. */
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
    /** Failed authentications one client address may make per window before it gets 429. */
    API_AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(30),
    API_AUTH_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    API_TRUST_PROXY: trustProxy,
    /** Bytes of payloads (their stored sizes) per page of backup set items; a page holds one at least. */
    API_ITEMS_PAGE_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(64 * 1024)
      .max(256 * 1024 * 1024)
      .default(4 * 1024 * 1024),
    /** Days an offboarded tenant's backups stay readable (read-only) before the purge deletes them. */
    OFFBOARDED_TENANT_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  })
  .extend(notificationEventVars.shape)
  .extend(graphEndpointVars.shape)
  .extend(graphClientVars.shape)
  .extend(notificationEndpointVars.shape)
  .extend(offsiteEndpointVars.shape)
  .extend(tokenPolicyVars.shape)
  .extend(secretKeyVars.shape)
  .refine(mtlsPair, mtlsPairError)
  .refine(tlsVerified, tlsVerifiedError)
  .transform(withRequiredKeyRing);

const workerSchema = common
  .extend({
    /** Prebuilt workflow bundle (npm run build); without it the worker bundles at start. */
    WORKFLOW_BUNDLE_PATH: optionalPath,
    /** Slots for the workflow queue's short activities (begin, lease claims, snapshot, complete). */
    WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(1000).default(20),
    /** Slots for syncs, on their own queue: a long sync never holds a bookkeeping slot. */
    WORKER_MAX_CONCURRENT_SYNCS: z.coerce.number().int().min(1).max(1000).default(10),
    /** Syncs of one tenant that may run at once across all workers; more runs wait their turn. */
    SYNC_MAX_PER_TENANT: z.coerce.number().int().min(1).max(100).default(2),
    /** Only to isolate a worker (tests, canaries): schedules and the API start runs on the default. */
    WORKER_TASK_QUEUE: z.string().min(1).max(200).default(BACKUP_TASK_QUEUE),
    /** Port of the worker's Prometheus /metrics; 0 turns it off. */
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
    /** Address of the worker's /metrics; unset: every interface (Prometheus scrapes it). `npm run dev`: 127.0.0.1. */
    METRICS_HOST: z.string().min(1).max(255).optional(),
    /** Slots for notification delivery attempts, on their own queue: a slow receiver holds no other slot. */
    WORKER_MAX_CONCURRENT_DELIVERIES: z.coerce.number().int().min(1).max(1000).default(20),
    /** Slots for restore activities (plans, write steps), on their own queue: writes wait on Graph's limits. */
    WORKER_MAX_CONCURRENT_RESTORE_ACTIVITIES: z.coerce.number().int().min(1).max(1000).default(10),
    /** Extra CA trusted for webhook and Teams receivers (a self-signed receiver in dev and tests). */
    NOTIFICATION_CA_FILE: optionalPath,
    /** Extra CA trusted for offsite stores (Azurite's or an S3 server's self-signed certificate in dev). */
    OFFSITE_CA_FILE: optionalPath,
    /** Restore writes are paced at this fraction of Graph's write limits (src/restore/writeBudget.ts). */
    GRAPH_WRITE_BUDGET_FRACTION: z.coerce.number().gt(0).max(1).default(0.95),
    /** How long a create whose answer was lost looks for the object it may have made before posting again. */
    RESTORE_CREATE_LOOKUP_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
  })
  .extend(notificationEventVars.shape)
  .extend(graphEndpointVars.shape)
  .extend(graphClientVars.shape)
  .extend(notificationEndpointVars.shape)
  .extend(offsiteEndpointVars.shape)
  .extend(smtpVars.shape)
  .extend(secretKeyVars.shape)
  .refine(smtpComplete, smtpCompleteError)
  .refine(mtlsPair, mtlsPairError)
  .refine(tlsVerified, tlsVerifiedError)
  .transform(withRequiredKeyRing);

/** `npm run admin`: the database, and the keys for commands that need them (rotate-secret-key). */
const adminSchema = common
  .pick({ NODE_ENV: true, LOG_LEVEL: true, DATABASE_URL: true, NODE_TLS_REJECT_UNAUTHORIZED: true })
  .extend(tokenPolicyVars.shape)
  .extend(secretKeyVars.partial().shape)
  .refine((env) => !env.SECRET_ENCRYPTION_KEYS === !env.SECRET_ENCRYPTION_KEY_ID, {
    message: 'SECRET_ENCRYPTION_KEYS and SECRET_ENCRYPTION_KEY_ID must be set together',
    path: ['SECRET_ENCRYPTION_KEY_ID'],
  })
  .refine(tlsVerified, tlsVerifiedError)
  .transform(withKeyRing);

export type ApiConfig = z.infer<typeof apiSchema>;
export type WorkerConfig = z.infer<typeof workerSchema>;
export type AdminConfig = z.infer<typeof adminSchema>;
export type TemporalConfig = z.infer<typeof common>;

export class ConfigError extends Error {}

function parse<T>(schema: z.ZodType<T, unknown>, env: NodeJS.ProcessEnv): T {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  // Values are deliberately left out: some of these variables hold credentials.
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
}

export const loadApiConfig = (env: NodeJS.ProcessEnv = process.env): ApiConfig => parse(apiSchema, env);
export const loadWorkerConfig = (env: NodeJS.ProcessEnv = process.env): WorkerConfig =>
  parse(workerSchema, env);
export const loadAdminConfig = (env: NodeJS.ProcessEnv = process.env): AdminConfig => parse(adminSchema, env);

/** Only the key ring (tests and benchmarks that wire the API or worker in-process). */
export const loadSecretKeyRing = (env: NodeJS.ProcessEnv = process.env): SecretKeyRing =>
  parse(secretKeyVars.transform(withRequiredKeyRing), env).secretKeys;

export function readOptionalFile(path: string | undefined): Buffer | undefined {
  return path ? readFileSync(path) : undefined;
}

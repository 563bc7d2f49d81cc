// Dev seed: the demo tenant (pointing at the local Graph emulator) and a platform-admin API
// token in .data/dev-api-token, made by the same functions as `npm run admin -- create-user` and
// `issue-token`, so the token expires like any other (after the longest lifetime allowed).
// Idempotent: a second `npm run dev` keeps the same user and token, and issues a new token only
// when the file has none that works for at least another day.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Db } from '../db/client';
import { findOffsiteDestination, upsertOffsiteDestination } from '../db/offsiteDestinations';
import type { AzureBlobSettings } from '../export/offsite/destination';
import { findTenantBySlug, upsertTenantBySlug } from '../db/tenants';
import { isApiTokenValid } from '../db/tokens';
import { findUserByEmail } from '../db/users';
import { DEMO_TENANT } from '../emulator';
import type { TenantSecretCipher } from '../secrets';
import { createUser, DAY_MS, issueToken } from '../services/users';

export const DEV_ADMIN_EMAIL = 'admin@tenantvault.local';

export async function seedDevData(
  db: Db,
  opts: {
    emulatorBaseUrl: string;
    tokenFile: string;
    secrets: TenantSecretCipher;
    /** Azurite's blob service: the demo tenant copies its backups there. */
    azurite?: { blobEndpoint: string; connectionString: string; container: string };
  },
) {
  // The secret is encrypted like the API does it, bound to the tenant's id (kept on a re-seed).
  const id = (await findTenantBySlug(db, DEMO_TENANT.slug))?.id ?? randomUUID();
  const tenant = await upsertTenantBySlug(db, {
    id,
    slug: DEMO_TENANT.slug,
    displayName: DEMO_TENANT.displayName,
    azureTenantId: DEMO_TENANT.azureTenantId,
    clientId: DEMO_TENANT.clientId,
    ...opts.secrets.encrypt(id, DEMO_TENANT.clientSecret),
    graphBaseUrl: opts.emulatorBaseUrl,
    loginBaseUrl: opts.emulatorBaseUrl,
  });
  if (opts.azurite) await seedOffsiteDestination(db, tenant.id, opts.secrets, opts.azurite);
  const admin =
    (await findUserByEmail(db, DEV_ADMIN_EMAIL)) ??
    (await createUser(
      db,
      { email: DEV_ADMIN_EMAIL, displayName: 'Dev platform admin', platformAdmin: true },
      'system',
    ));
  const existing = existsSync(opts.tokenFile) ? readFileSync(opts.tokenFile, 'utf8').trim() : '';
  // A day ahead: a dev session started now must not lose its token midway.
  const tomorrow = new Date(Date.now() + DAY_MS);
  if (existing && (await isApiTokenValid(db, existing, tomorrow))) return { tenant, token: existing };
  const { token } = await issueToken(db, admin.id, { name: 'npm run dev' }, 'system');
  writeFileSync(opts.tokenFile, `${token}\n`, { mode: 0o600 });
  return { tenant, token };
}

/**
 * The demo tenant's offsite destination: Azurite's container, by connection string. Written again
 * at every start while the seed owns it (DEV_AZURITE_PORT may have moved); one a developer set
 * through the API is left as it is.
 */
async function seedOffsiteDestination(
  db: Db,
  tenantId: string,
  secrets: TenantSecretCipher,
  azurite: { blobEndpoint: string; connectionString: string; container: string },
) {
  const existing = await findOffsiteDestination(db, tenantId);
  if (existing && existing.updatedBy !== SEEDED_BY) return;
  const settings: AzureBlobSettings = {
    container: azurite.container,
    prefix: 'tenantvault/',
    blobEndpoint: azurite.blobEndpoint,
    auth: 'connection_string',
  };
  const stored = secrets.offsite.encrypt(tenantId, { connectionString: azurite.connectionString });
  await upsertOffsiteDestination(db, tenantId, {
    kind: 'azure_blob',
    settings,
    credentialsCiphertext: stored.ciphertext,
    credentialsKeyId: stored.keyId,
    updatedBy: SEEDED_BY,
  });
}

const SEEDED_BY = 'system';

// Dev seed: the demo tenant (pointing at the local Graph emulator) and a platform-admin API
// token in .data/dev-api-token. Idempotent: a second `npm run dev` keeps the same token.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Db } from '../db/client';
import { upsertTenantBySlug } from '../db/tenants';
import { isApiTokenValid, issueApiToken } from '../db/tokens';
import { DEMO_TENANT } from '../emulator';

export const DEV_ADMIN_EMAIL = 'admin@tenantvault.local';

export async function seedDevData(db: Db, opts: { emulatorBaseUrl: string; tokenFile: string }) {
  const tenant = await upsertTenantBySlug(db, {
    slug: DEMO_TENANT.slug,
    displayName: DEMO_TENANT.displayName,
    azureTenantId: DEMO_TENANT.azureTenantId,
    clientId: DEMO_TENANT.clientId,
    clientSecret: DEMO_TENANT.clientSecret,
    graphBaseUrl: opts.emulatorBaseUrl,
    loginBaseUrl: opts.emulatorBaseUrl,
  });
  const admin = await db.user.upsert({
    where: { email: DEV_ADMIN_EMAIL },
    create: { email: DEV_ADMIN_EMAIL, displayName: 'Dev platform admin', platformAdmin: true },
    update: { platformAdmin: true },
  });
  const existing = existsSync(opts.tokenFile) ? readFileSync(opts.tokenFile, 'utf8').trim() : '';
  if (existing && (await isApiTokenValid(db, existing))) return { tenant, token: existing };
  const { token } = await issueApiToken(db, { userId: admin.id, name: 'npm run dev' });
  writeFileSync(opts.tokenFile, `${token}\n`, { mode: 0o600 });
  return { tenant, token };
}

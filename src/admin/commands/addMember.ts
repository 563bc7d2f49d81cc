import { memberBody } from '../../api/routes/users.schema';
import { setMembership } from '../../services/memberships';
import { getTenantBySlugOrId } from '../../services/tenants';
import { getUserByEmail } from '../../services/users';
import { type AdminCommand, expectNoMoreArgs, takeOption, UsageError } from '../command';
import { parseOptions } from '../parseOptions';

export const addMemberCommand: AdminCommand = {
  name: 'add-member',
  usage: '--tenant <slug or id> --email <email> --role <owner|manager|operator|readonly>',
  summary: 'give a user a role in a tenant (or change it)',
  async run(args, deps) {
    const tenantRef = takeOption(args, 'tenant');
    const email = takeOption(args, 'email');
    const { role } = parseOptions(memberBody, { role: takeOption(args, 'role') }, { role: 'role' });
    expectNoMoreArgs(args);
    if (!tenantRef) throw new UsageError('--tenant is required');
    if (!email) throw new UsageError('--email is required');
    const db = deps.db();
    const [tenant, user] = await Promise.all([getTenantBySlugOrId(db, tenantRef), getUserByEmail(db, email)]);
    await setMembership(db, tenant.id, user.id, role, 'operator');
    deps.print(`${user.email} is now ${role} of ${tenant.slug} (id ${tenant.id})`);
    return 0;
  },
};

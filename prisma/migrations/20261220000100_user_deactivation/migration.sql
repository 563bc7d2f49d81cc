-- Deactivated users (issue 20): a platform admin suspends a user, whose API tokens are then
-- refused at the next request. Memberships and tokens stay, so reactivation restores them.
ALTER TABLE "users" ADD COLUMN "deactivated_at" TIMESTAMPTZ(3);
-- Who deactivated the user: a user id, null when an operator did it on the admin command line
-- (the audit row names the actor either way). No foreign key: users are never deleted.
ALTER TABLE "users" ADD COLUMN "deactivated_by" UUID;

#!/bin/sh
# One-shot step run by the `temporal-schema` compose service (temporalio/admin-tools)
# before the Temporal server starts: creates Temporal's persistence and visibility
# databases if missing and brings both schemas to the version this admin-tools release
# ships. The temporalio/server image does no schema work itself (the old auto-setup
# image did), so this step is what `docker compose up` relies on.
#
# temporal-sql-tool takes its connection from SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER
# and SQL_PASSWORD (set in docker-compose.yml). Every command is idempotent, so the step
# runs on each `up` and doubles as the upgrade path when the image tags are bumped:
#   create-database  an existing database counts as success (postgres12 plugin);
#   setup-schema     only adds the version tables and never lowers a recorded version;
#   update-schema    applies just the versioned migrations not yet recorded.
set -eu

schema_root=/etc/temporal/schema/postgresql/v12

prepare() {
  db="$1"
  versioned_dir="$schema_root/$2/versioned"
  echo "temporal-schema: preparing database $db"
  temporal-sql-tool --db "$db" create-database
  temporal-sql-tool --db "$db" setup-schema -v 0.0
  temporal-sql-tool --db "$db" update-schema -d "$versioned_dir"
}

prepare "${TEMPORAL_DB:-temporal}" temporal
prepare "${TEMPORAL_VISIBILITY_DB:-temporal_visibility}" visibility
echo "temporal-schema: done"

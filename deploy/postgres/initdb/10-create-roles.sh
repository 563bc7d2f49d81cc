#!/bin/bash
# Runs once, when the postgres container initialises an empty data volume (the official
# image executes /docker-entrypoint-initdb.d/* after initdb). One login role per consumer:
#   temporal     CREATEDB, so the `temporal-schema` step (temporal-sql-tool) creates and
#                owns the `temporal` and `temporal_visibility` databases itself;
#   tenantvault  owner of the application database `tenantvault`, and nothing more.
# Passwords come from the container environment; docker-compose.yml sets dev-only
# defaults. Changing them later means ALTER ROLE (or a fresh volume): this never reruns.
# Written to work whether the entrypoint executes or sources it (no `exit`, no `set`).

: "${TEMPORAL_DB_PASSWORD:?TEMPORAL_DB_PASSWORD must be set}"
: "${APP_DB_PASSWORD:?APP_DB_PASSWORD must be set}"

psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "${POSTGRES_DB:-$POSTGRES_USER}" \
  --set temporal_password="$TEMPORAL_DB_PASSWORD" \
  --set app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE temporal LOGIN CREATEDB PASSWORD :'temporal_password';
CREATE ROLE tenantvault LOGIN PASSWORD :'app_password';
CREATE DATABASE tenantvault OWNER tenantvault;
REVOKE ALL ON DATABASE tenantvault FROM PUBLIC;
SQL

#!/bin/sh
# One-shot step run by the `temporal-setup` compose service (temporalio/admin-tools) once
# the Temporal server is up: waits until the frontend reports SERVING, makes sure the
# app's namespace exists, and registers the custom search attributes that BackupRun
# workflows and backup schedules set. The API and the worker wait for this step, because
# starting a workflow with an unregistered search attribute fails.
#
# Idempotent: an existing namespace or attribute is left as it is, so re-running it
# against a set-up server changes nothing.
set -eu

address="${TEMPORAL_ADDRESS:-temporal:7233}"
namespace="${TEMPORAL_NAMESPACE:-default}"
retention="${TEMPORAL_NAMESPACE_RETENTION:-168h}"
# Name:Type pairs. Keep in sync with SEARCH_ATTRIBUTES in src/shared/constants.ts.
attributes="TenantId:Keyword BackupScheduleId:Keyword BackupTrigger:Keyword"

# The frontend listens on IPv4 only (BIND_ON_IP=0.0.0.0). Like Temporal's own compose
# samples, dial the name's IPv4 address when it resolves to one, else the name as given.
host="${address%:*}"
port="${address##*:}"
ipv4="$(getent ahosts "$host" 2>/dev/null | awk '$1 ~ /^[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+$/ { print $1; exit }' || true)"
if [ -n "$ipv4" ]; then
  address="$ipv4:$port"
fi

retry() {
  # retry ATTEMPTS DESCRIPTION COMMAND...: rerun COMMAND every 2 s until it succeeds.
  attempts="$1"
  what="$2"
  shift 2
  n=1
  until "$@"; do
    if [ "$n" -ge "$attempts" ]; then
      echo "temporal-setup: gave up waiting for $what after $n attempts" >&2
      return 1
    fi
    echo "temporal-setup: waiting for $what ($n/$attempts)"
    n=$((n + 1))
    sleep 2
  done
}

server_serving() {
  temporal operator cluster health --address "$address" >/dev/null 2>&1
}

ensure_namespace() {
  if temporal operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; then
    echo "temporal-setup: namespace $namespace already exists"
    return 0
  fi
  temporal operator namespace create --address "$address" --namespace "$namespace" \
    --retention "$retention" || return 1
  echo "temporal-setup: created namespace $namespace (retention $retention)"
}

registered_attributes() {
  temporal operator search-attribute list --address "$address" --namespace "$namespace" --output json
}

ensure_search_attributes() {
  # A just-created namespace can take a few seconds to reach the frontend's cache, so the
  # whole pass is retried by the caller.
  existing="$(registered_attributes)" || return 1
  for pair in $attributes; do
    name="${pair%%:*}"
    type="${pair#*:}"
    if printf '%s\n' "$existing" | grep -q "\"$name\""; then
      echo "temporal-setup: search attribute $name already registered"
      continue
    fi
    temporal operator search-attribute create --address "$address" --namespace "$namespace" \
      --name "$name" --type "$type" || return 1
    echo "temporal-setup: registered search attribute $name ($type)"
  done
}

verify_search_attributes() {
  # Also catches an attribute registered earlier with another type, which the create
  # pass above leaves alone.
  existing="$(registered_attributes)" || return 1
  for pair in $attributes; do
    name="${pair%%:*}"
    type="$(printf '%s' "${pair#*:}" | tr '[:lower:]' '[:upper:]')"
    if ! printf '%s\n' "$existing" | grep -Eq "\"$name\"[[:space:]]*:[[:space:]]*\"INDEXED_VALUE_TYPE_$type\""; then
      echo "temporal-setup: search attribute $name is missing or not of type ${pair#*:}" >&2
      return 1
    fi
  done
}

retry 60 "the Temporal frontend at $address" server_serving
retry 15 "namespace $namespace" ensure_namespace
retry 15 "search attributes in $namespace" ensure_search_attributes
retry 15 "search attributes to become visible" verify_search_attributes
echo "temporal-setup: done"

#!/bin/sh
# Runs in the init container of every redis pod: decide whether this pod starts as the primary
# or as a replica of the current primary, and write /etc/redis-run/redis.conf.
#
# Who is the primary, in order of trust:
#   1. the Sentinels (after a failover the primary can be any pod, not redis-0);
#   2. a peer redis pod that reports role:master (every Sentinel down at once);
#   3. nobody knows (a brand-new set): redis-0 is the primary, the others replicate it.
set -eu
: "${POD_NAME:?}" "${POD_NAMESPACE:?}" "${REDIS_MASTER_NAME:?}" "${REDIS_REPLICAS:?}" "${SENTINEL_COUNT:?}"
DOMAIN="${CLUSTER_DOMAIN:-cluster.local}"
fqdn() { echo "$1.$2.${POD_NAMESPACE}.svc.${DOMAIN}"; }
SELF="$(fqdn "$POD_NAME" redis)"
PRIMARY=""

i=0
while [ -z "$PRIMARY" ] && [ "$i" -lt "$SENTINEL_COUNT" ]; do
  sentinel="$(fqdn "redis-sentinel-$i" redis-sentinel)"
  PRIMARY="$(timeout 3 redis-cli -h "$sentinel" -p 26379 --raw SENTINEL get-master-addr-by-name "$REDIS_MASTER_NAME" 2>/dev/null | head -n 1 || true)"
  [ -n "$PRIMARY" ] && echo "sentinel $sentinel: primary is $PRIMARY"
  i=$((i + 1))
done

i=0
while [ -z "$PRIMARY" ] && [ "$i" -lt "$REDIS_REPLICAS" ]; do
  peer="$(fqdn "redis-$i" redis)"
  if [ "$peer" != "$SELF" ] && timeout 3 redis-cli -h "$peer" -p 6379 INFO replication 2>/dev/null | grep -q '^role:master'; then
    PRIMARY="$peer"
    echo "no sentinel answered; peer $peer is a primary"
  fi
  i=$((i + 1))
done

if [ -z "$PRIMARY" ]; then
  PRIMARY="$(fqdn redis-0 redis)"
  echo "nobody knows a primary: starting the set with $PRIMARY"
fi

{
  echo "include /etc/redis/redis.conf"
  # In every pod, not just the primary: a replica promoted by Sentinel keeps the rule.
  echo "min-replicas-to-write ${REDIS_MIN_REPLICAS_TO_WRITE:-1}"
  echo "min-replicas-max-lag ${REDIS_MIN_REPLICAS_MAX_LAG:-10}"
  # Below the container's memory limit, leaving room for the fork of an AOF rewrite.
  echo "maxmemory ${REDIS_MAXMEMORY:-0}"
  # Announce the stable DNS name, not the pod IP that changes on every restart.
  echo "replica-announce-ip $SELF"
  if [ "$PRIMARY" = "$SELF" ]; then
    echo "# primary"
  else
    echo "replicaof $PRIMARY 6379"
  fi
} > /etc/redis-run/redis.conf
echo "$POD_NAME: $( [ "$PRIMARY" = "$SELF" ] && echo primary || echo "replica of $PRIMARY")"

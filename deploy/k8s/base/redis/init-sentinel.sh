#!/bin/sh
# Runs in the init container of every Sentinel pod: find the current primary and write a fresh
# /etc/sentinel-run/sentinel.conf (Sentinel rewrites that file at run time, so it lives in an
# emptyDir; the other Sentinels and replicas are rediscovered through the primary).
#
# The primary, in order of trust: another Sentinel, a redis pod reporting role:master, redis-0.
set -eu
: "${POD_NAME:?}" "${POD_NAMESPACE:?}" "${REDIS_MASTER_NAME:?}" "${REDIS_REPLICAS:?}" "${SENTINEL_COUNT:?}"
: "${SENTINEL_QUORUM:?}" "${SENTINEL_DOWN_AFTER_MS:?}" "${SENTINEL_FAILOVER_TIMEOUT_MS:?}"
DOMAIN="${CLUSTER_DOMAIN:-cluster.local}"
fqdn() { echo "$1.$2.${POD_NAMESPACE}.svc.${DOMAIN}"; }
SELF="$(fqdn "$POD_NAME" redis-sentinel)"
PRIMARY=""

i=0
while [ -z "$PRIMARY" ] && [ "$i" -lt "$SENTINEL_COUNT" ]; do
  other="$(fqdn "redis-sentinel-$i" redis-sentinel)"
  if [ "$other" != "$SELF" ]; then
    PRIMARY="$(timeout 3 redis-cli -h "$other" -p 26379 --raw SENTINEL get-master-addr-by-name "$REDIS_MASTER_NAME" 2>/dev/null | head -n 1 || true)"
    [ -n "$PRIMARY" ] && echo "sentinel $other: primary is $PRIMARY"
  fi
  i=$((i + 1))
done

i=0
while [ -z "$PRIMARY" ] && [ "$i" -lt "$REDIS_REPLICAS" ]; do
  peer="$(fqdn "redis-$i" redis)"
  if timeout 3 redis-cli -h "$peer" -p 6379 INFO replication 2>/dev/null | grep -q '^role:master'; then
    PRIMARY="$peer"
    echo "redis pod $peer is a primary"
  fi
  i=$((i + 1))
done

[ -z "$PRIMARY" ] && PRIMARY="$(fqdn redis-0 redis)" && echo "nobody knows a primary yet: monitoring $PRIMARY"

cat > /etc/sentinel-run/sentinel.conf <<CONF
port 26379
dir /etc/sentinel-run
# Pods move and change IP; everything is addressed by its stable StatefulSet DNS name.
sentinel resolve-hostnames yes
sentinel announce-hostnames yes
sentinel announce-ip $SELF
sentinel monitor $REDIS_MASTER_NAME $PRIMARY 6379 $SENTINEL_QUORUM
sentinel down-after-milliseconds $REDIS_MASTER_NAME $SENTINEL_DOWN_AFTER_MS
sentinel failover-timeout $REDIS_MASTER_NAME $SENTINEL_FAILOVER_TIMEOUT_MS
sentinel parallel-syncs $REDIS_MASTER_NAME 1
CONF

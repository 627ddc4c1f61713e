#!/bin/sh
# preStop of a redis pod: if this pod is the primary, ask the Sentinels for a planned failover
# and wait until a replica has taken over, so a rolling update or a node drain costs clients a
# quick reconnect instead of down-after-milliseconds (5 s) of failed writes.
set -u
DOMAIN="${CLUSTER_DOMAIN:-cluster.local}"
[ "$(redis-cli --raw ROLE 2>/dev/null | head -n 1)" = "master" ] || exit 0
[ "${REDIS_REPLICAS:-1}" -gt 1 ] || exit 0
i=0
while [ "$i" -lt "${SENTINEL_COUNT:-0}" ]; do
  sentinel="redis-sentinel-$i.redis-sentinel.${POD_NAMESPACE}.svc.${DOMAIN}"
  if timeout 3 redis-cli -h "$sentinel" -p 26379 SENTINEL FAILOVER "$REDIS_MASTER_NAME" 2>/dev/null | grep -q OK; then
    echo "failover requested from $sentinel"
    break
  fi
  i=$((i + 1))
done
# Wait (within terminationGracePeriodSeconds) until this pod has been demoted.
n=0
while [ "$n" -lt 30 ] && [ "$(redis-cli --raw ROLE 2>/dev/null | head -n 1)" = "master" ]; do
  sleep 1
  n=$((n + 1))
done
exit 0

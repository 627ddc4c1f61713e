/**
 * The one way services open Redis: a URL for a single server, or Sentinels and a master name
 * for the replicated setup (DESIGN: Redis primary + replicas + Sentinel). Settings favour fast
 * failover: a short connect timeout, reconnect attempts at most 500 ms apart, Sentinel's
 * +switch-master watched (ioredis failoverDetector, with reconnectThroughFailover below), and a
 * command that hits a demoted primary (READONLY) reconnects and is resent. Also the Lua script
 * runner the cluster stores share.
 * Lives in shared/ only because every service needs it and services import nothing else.
 */
import { createHash } from 'node:crypto'
import { Redis, type RedisOptions } from 'ioredis'
import type { Logger } from '../logger.ts'

export type { Redis } from 'ioredis'

/** A Sentinel's address. */
export interface SentinelAddress { readonly host: string, readonly port: number }

/** Where Redis is: a `redis://` URL, or Sentinels watching the master group `name`. */
export type RedisTarget =
  | { readonly url: string }
  | { readonly sentinels: readonly SentinelAddress[], readonly name: string }

/** Connection settings besides the target. */
export interface RedisConnectionOptions {
  /** Shown in CLIENT LIST, e.g. `world-node:node-1:leases`. */
  readonly connectionName?: string
  /** Password of the Redis servers (and of the Sentinels unless sentinelPassword is set). */
  readonly password?: string
  readonly sentinelPassword?: string
  /** Connection errors are logged here: the first of an outage at warn, repeats at debug. */
  readonly log?: Logger
  /** Escape hatch for settings this factory does not cover; applied last. */
  readonly overrides?: RedisOptions
}

/** Longest pause between reconnect attempts. */
export const MAX_RECONNECT_DELAY_MS = 500
/** How long to wait for a TCP connection (and, for Sentinel, a Sentinel's answer). */
export const CONNECT_TIMEOUT_MS = 2000
/**
 * Reconnect attempts a queued command survives before it fails: 20 attempts at most 500 ms
 * apart bound the wait to about 10 s, longer than a Sentinel failover takes.
 */
export const MAX_RETRIES_PER_REQUEST = 20

/** Backoff 50, 100, 200, 400, 500, 500, … ms. */
export function reconnectDelay (attempt: number): number {
  return Math.min(50 * 2 ** Math.max(0, attempt - 1), MAX_RECONNECT_DELAY_MS)
}

/** Consecutive connect attempts a failover may abort before the client gives up. */
const MAX_ABORTED_CONNECTS = 10

/**
 * ioredis 6's failover detector disconnects the connector when Sentinel announces a new primary
 * (+switch-master). When that lands while a reconnect is waiting for Sentinel's answer, the
 * connect attempt rejects with "Connection is closed." and ioredis ends the client for good,
 * failing every queued command (the symptom ioredis issue #1683 reports after failovers): a
 * world-node or the auth-service would have no Redis until restarted. This starts such an
 * attempt over instead (Sentinel then names the new primary), unless the client is being closed
 * on purpose. It reaches into two ioredis internals (`connector`, `manuallyClosing`) and does
 * nothing if they are not there.
 */
export function reconnectThroughFailover (redis: Redis): void {
  const internals = redis as unknown as { connector?: { connect?: (...args: unknown[]) => Promise<unknown> }, manuallyClosing?: boolean }
  const connector = internals.connector
  const connect = connector?.connect
  if (connector === undefined || typeof connect !== 'function') return
  connector.connect = async (...args: unknown[]): Promise<unknown> => {
    for (let aborted = 0; ; aborted++) {
      try {
        return await connect.apply(connector, args)
      } catch (err) {
        const abortedByFailover = err instanceof Error && err.message === 'Connection is closed.' && internals.manuallyClosing !== true
        if (!abortedByFailover || aborted >= MAX_ABORTED_CONNECTS) throw err
      }
    }
  }
}

/** Opens a connection (ioredis connects in the background and queues commands meanwhile). */
export function createRedis (target: RedisTarget, options: RedisConnectionOptions = {}): Redis {
  const common: RedisOptions = {
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: reconnectDelay,
    maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
    keepAlive: 5000,
    // A primary demoted by a failover answers writes with READONLY: reconnect (Sentinel tells
    // us the new primary) and resend the command.
    reconnectOnError: (err) => err.message.startsWith('READONLY') ? 2 : false,
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
    ...(options.password === undefined ? {} : { password: options.password })
  }
  const redis = 'url' in target
    ? new Redis(target.url, { ...common, ...options.overrides })
    : new Redis({
      ...common,
      sentinels: target.sentinels.map((s) => ({ host: s.host, port: s.port })),
      name: target.name,
      sentinelRetryStrategy: reconnectDelay,
      sentinelCommandTimeout: CONNECT_TIMEOUT_MS,
      failoverDetector: true,
      updateSentinels: true,
      ...((options.sentinelPassword ?? options.password) === undefined ? {} : { sentinelPassword: options.sentinelPassword ?? options.password }),
      ...options.overrides
    })
  if (!('url' in target)) reconnectThroughFailover(redis)
  const log = options.log
  let failing = false
  redis.on('error', (err: Error) => {
    if (log === undefined) return
    log[failing ? 'debug' : 'warn']({ err: err.message, connection: options.connectionName }, 'redis connection error')
    failing = true
  })
  redis.on('ready', () => {
    if (failing) log?.info({ connection: options.connectionName }, 'redis connection ready again')
    failing = false
  })
  return redis
}

/** Parses `host:port,host:port` (TESSERA_REDIS_SENTINELS style); throws listing every bad entry. */
export function parseSentinels (list: string): SentinelAddress[] {
  const bad: string[] = []
  const out: SentinelAddress[] = []
  for (const entry of list.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const colon = entry.lastIndexOf(':')
    const host = entry.slice(0, colon).replace(/^\[(.*)\]$/, '$1')
    const port = Number(entry.slice(colon + 1))
    if (colon <= 0 || host === '' || !Number.isInteger(port) || port < 1 || port > 65_535) bad.push(entry)
    else out.push({ host, port })
  }
  if (bad.length > 0) throw new RangeError(`not host:port: ${bad.map((b) => JSON.stringify(b)).join(', ')}`)
  if (out.length === 0) throw new RangeError('no Sentinel addresses given')
  return out
}

/** A Lua script run by SHA (EVALSHA), loaded on first use or after a failover (NOSCRIPT). */
export interface LuaScript {
  run (redis: Redis, keys: readonly string[], args: ReadonlyArray<string | Buffer | number>): Promise<unknown>
}

/** Wraps a Lua script; keys and args are passed as Redis KEYS and ARGV. */
export function defineScript (lua: string): LuaScript {
  const sha = createHash('sha1').update(lua).digest('hex')
  return {
    async run (redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args)
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err
        return await redis.eval(lua, keys.length, ...keys, ...args)
      }
    }
  }
}

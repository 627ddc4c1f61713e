/**
 * Gateway configuration: the only reader of the gateway's environment variables. Every
 * problem is collected and reported at once.
 */
import mc from 'minecraft-protocol'
import { EnvReader, type Env } from '#shared/env.ts'
import { toGatewayId, type GatewayId } from '#shared/ids.ts'
import { parseSentinels, type RedisTarget } from '#shared/cluster/redis-connection.ts'
import { MIN_CLUSTER_SECRET_BYTES } from '#shared/cluster/tcp-link.ts'

/** Validated gateway settings. */
export interface GatewayConfig {
  readonly id: GatewayId
  readonly host: string
  readonly port: number
  readonly onlineMode: boolean
  /** Game version spoken to clients, e.g. '1.21.4'. One per cluster. */
  readonly version: string
  readonly motd: string
  readonly maxPlayers: number
  /** Base URL of the session server (Mojang's by default; a local stand-in in tests). */
  readonly sessionServerUrl: string
  readonly compressionThreshold: number
  /** auth-service base URL; empty in embedded mode until the launcher fills it in. */
  readonly authUrl: string
  /** Every auth-service replica (GATEWAY_AUTH_URL, comma-separated); admits fail over between them. */
  readonly authUrls: readonly string[]
  /** GATEWAY_AUTH_ADMIN_TOKEN: auth-service's admin bearer token, for the operators' in-game commands (absent: those commands are off). */
  readonly adminToken?: string | undefined
  /** New connections allowed per address per minute (0 = unlimited). */
  readonly connectionsPerAddressPerMinute: number
  /** Offline accounts: how long a player may stay in the limbo before /register or /login. */
  readonly limboTimeoutMs: number
  readonly logLevel: string
  /** Distributed mode: where Redis is (membership of world-nodes); absent in embedded mode. */
  readonly redis: RedisTarget | undefined
  /** GATEWAY_MAX_PACKETS_PER_SECOND: sustained packets a client may send (burst: twice that); 0 = no limit. */
  readonly maxPacketsPerSecond: number
  /** GATEWAY_METRICS_PORT: Prometheus /metrics of a standalone gateway on 127.0.0.1 (0 = off). */
  readonly metricsPort: number
  /** TESSERA_CLUSTER_SECRET: opens the HMAC-authenticated links to world-nodes. */
  readonly clusterSecret: string | undefined
}

function readRedisTarget (r: EnvReader): RedisTarget | undefined {
  const sentinels = r.optional('TESSERA_REDIS_SENTINELS')
  if (sentinels !== undefined) {
    try {
      return { sentinels: parseSentinels(sentinels), name: r.string('TESSERA_REDIS_NAME', 'tessera') }
    } catch (err) {
      r.check(false, `TESSERA_REDIS_SENTINELS: ${(err as Error).message}`)
      return undefined
    }
  }
  const url = r.optional('TESSERA_REDIS_URL')
  if (url === undefined) return undefined
  r.check(URL.canParse(url) && url.startsWith('redis'), `TESSERA_REDIS_URL=${JSON.stringify(url)}: expected redis://host:port`)
  return { url }
}

/** Reads and validates GATEWAY_* settings. Throws ConfigError listing every problem. */
export function readGatewayConfig (env: Env): GatewayConfig {
  const r = new EnvReader(env)
  const version = r.string('GATEWAY_VERSION', '1.21.4')
  r.check(mc.supportedVersions.includes(version), `GATEWAY_VERSION=${JSON.stringify(version)}: supported versions are ${mc.supportedVersions.slice(-6).join(', ')}`)
  let id: GatewayId = toGatewayId('gateway-1')
  try {
    id = toGatewayId(r.string('GATEWAY_ID', 'gateway-1'))
  } catch (err) {
    r.check(false, `GATEWAY_ID: ${(err as Error).message}`)
  }
  const sessionServerUrl = r.string('GATEWAY_SESSION_SERVER_URL', 'https://sessionserver.mojang.com')
  r.check(URL.canParse(sessionServerUrl), `GATEWAY_SESSION_SERVER_URL=${JSON.stringify(sessionServerUrl)}: not a URL`)
  const authUrls = r.string('GATEWAY_AUTH_URL', '').split(',').map((u) => u.trim().replace(/\/+$/, '')).filter((u) => u !== '')
  for (const url of authUrls) r.check(URL.canParse(url), `GATEWAY_AUTH_URL: ${JSON.stringify(url)} is not a URL`)
  const config: GatewayConfig = {
    id,
    host: r.string('GATEWAY_HOST', '0.0.0.0'),
    port: r.int('GATEWAY_PORT', 25565, 0, 65535),
    onlineMode: r.bool('GATEWAY_ONLINE_MODE', false),
    version,
    motd: r.string('GATEWAY_MOTD', 'A Tessera server'),
    maxPlayers: r.int('GATEWAY_MAX_PLAYERS', 1000, 1, 100_000),
    sessionServerUrl: sessionServerUrl.replace(/\/+$/, ''),
    compressionThreshold: r.int('GATEWAY_COMPRESSION_THRESHOLD', 256, -1, 1_048_576),
    authUrl: authUrls[0] ?? '',
    authUrls,
    adminToken: r.optional('GATEWAY_AUTH_ADMIN_TOKEN'),
    connectionsPerAddressPerMinute: r.int('GATEWAY_CONNECTIONS_PER_ADDRESS_PER_MINUTE', 120, 0, 1_000_000),
    limboTimeoutMs: r.int('GATEWAY_LIMBO_TIMEOUT_S', 60, 1, 3600) * 1000,
    logLevel: r.oneOf('TESSERA_LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    redis: readRedisTarget(r),
    metricsPort: r.int('GATEWAY_METRICS_PORT', 0, 0, 65535),
    maxPacketsPerSecond: r.int('GATEWAY_MAX_PACKETS_PER_SECOND', 500, 0, 1_000_000),
    clusterSecret: r.optional('TESSERA_CLUSTER_SECRET')
  }
  r.check(config.redis === undefined || (config.clusterSecret !== undefined && Buffer.byteLength(config.clusterSecret) >= MIN_CLUSTER_SECRET_BYTES),
    `TESSERA_CLUSTER_SECRET: required with Redis (distributed mode), at least ${MIN_CLUSTER_SECRET_BYTES} bytes`)
  r.done('gateway')
  return config
}

/**
 * auth-service configuration: the only reader of the environment for this service. Every
 * problem is collected and reported at once (STYLE rule 10). See auth-service/auth.env.example.
 */
import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import { EnvReader, type Env } from '#shared/env.ts'

/** Log levels pino understands. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** What to do with a second admit of an account that already holds a session. */
export type DuplicateLoginPolicy = 'kick-old' | 'refuse-new'

/**
 * What an admit does when the session cannot be written because the store's primary is down
 * (a Sentinel failover): `provisional` admits with a session kept in this replica and written
 * (with the duplicate policy applied) once a primary answers again; `refuse` refuses with
 * AUTH_STORE_UNAVAILABLE.
 */
export type FailoverAdmitPolicy = 'provisional' | 'refuse'

/** Where the state lives. */
export type StoreConfig =
  | { readonly kind: 'embedded', readonly path: string }
  | { readonly kind: 'redis', readonly url: string, readonly minReplicas: number, readonly waitMs: number }
  | { readonly kind: 'sentinel', readonly sentinels: ReadonlyArray<{ host: string, port: number }>, readonly name: string, readonly minReplicas: number, readonly waitMs: number }

/** Fixed-window attempt limits. */
export interface RateLimitConfig {
  /** AUTH_RATE_WINDOW_S: the window every limit below counts in, in milliseconds. */
  readonly windowMs: number
  /** AUTH_RATE_ADMITS_PER_ADDRESS: admits per window from one address. */
  readonly admitsPerAddress: number
  /** AUTH_RATE_ADMITS_PER_ACCOUNT: admits per window of one account (uuid). */
  readonly admitsPerAccount: number
  /** AUTH_RATE_PASSWORD_PER_ADDRESS: register/login/password attempts per window from one address. */
  readonly passwordPerAddress: number
  /** AUTH_LOCKOUT_ATTEMPTS: wrong passwords in a row that lock an account. */
  readonly lockoutAttempts: number
  /** AUTH_LOCKOUT_S: how long a lockout lasts, in milliseconds. */
  readonly lockoutMs: number
}

/** Typed, validated auth-service settings. */
export interface AuthConfig {
  /** AUTH_PORT (0 picks a free port). */
  readonly port: number
  /** AUTH_HOST. */
  readonly host: string
  /** AUTH_ADMIN_TOKEN, or a random one when unset on a loopback host or in embedded mode. */
  readonly adminToken: string
  /** True when adminToken was generated here (main logs it once so an operator can use it). */
  readonly adminTokenGenerated: boolean
  /** AUTH_WHITELIST: only white-listed names (and ops) may join. */
  readonly whitelist: boolean
  /** AUTH_OFFLINE_ACCOUNTS: offline mode with /register and /login passwords. */
  readonly offlineAccounts: boolean
  /** AUTH_DUPLICATE_LOGIN. */
  readonly duplicateLogin: DuplicateLoginPolicy
  /** AUTH_FAILOVER_ADMIT. */
  readonly failoverAdmit: FailoverAdmitPolicy
  /** AUTH_SESSION_TTL_S, in milliseconds: a session not renewed by a heartbeat expires. */
  readonly sessionTtlMs: number
  /** AUTH_OPS: names that are ops at start (added to the store's op list). */
  readonly ops: readonly string[]
  /** AUTH_SCRYPT_COST: scrypt N for new password hashes (power of two). */
  readonly scryptCost: number
  /** AUTH_SSE_HEARTBEAT_S, in milliseconds: comment lines keep idle event streams open. */
  readonly sseHeartbeatMs: number
  readonly rateLimits: RateLimitConfig
  readonly store: StoreConfig
  /** TESSERA_LOG_LEVEL. */
  readonly logLevel: typeof LOG_LEVELS[number]
}

/** Options of readAuthConfig. */
export interface ReadAuthConfigOptions {
  /** The whole system runs in one process (embedded/): an unset admin token is generated. */
  readonly embedded?: boolean
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost (host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'))
}

function parseSentinels (raw: string, read: EnvReader): Array<{ host: string, port: number }> {
  const list: Array<{ host: string, port: number }> = []
  const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '')
  for (const item of items) {
    const match = /^(.+):(\d{1,5})$/.exec(item)
    const port = Number(match?.[2])
    if (match === null || port < 1 || port > 65535) {
      read.check(false, `TESSERA_REDIS_SENTINELS: ${JSON.stringify(item)} is not host:port`)
      continue
    }
    list.push({ host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port })
  }
  read.check(items.length > 0, 'TESSERA_REDIS_SENTINELS: expected host:port,host:port')
  return list
}

function parseNames (raw: string, read: EnvReader): string[] {
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '')
  for (const name of names) read.check(/^[A-Za-z0-9_]{3,16}$/.test(name), `AUTH_OPS: ${JSON.stringify(name)} is not a Minecraft username`)
  return names
}

/** Reads and validates the auth-service settings; throws one ConfigError listing every problem. */
export function readAuthConfig (env: Env, options: ReadAuthConfigOptions = {}): AuthConfig {
  const read = new EnvReader(env)
  const host = read.string('AUTH_HOST', '127.0.0.1')
  const url = read.optional('TESSERA_REDIS_URL')
  const sentinelsRaw = read.optional('TESSERA_REDIS_SENTINELS')
  read.check(url === undefined || sentinelsRaw === undefined, 'TESSERA_REDIS_URL and TESSERA_REDIS_SENTINELS are both set: choose one')
  if (url !== undefined) read.check(/^rediss?:\/\//.test(url), `TESSERA_REDIS_URL=${JSON.stringify(url)}: expected redis://host:port`)
  const waitMs = read.int('AUTH_WRITE_WAIT_MS', 500, 10, 10_000)
  let store: StoreConfig
  if (sentinelsRaw !== undefined) {
    store = { kind: 'sentinel', sentinels: parseSentinels(sentinelsRaw, read), name: read.string('TESSERA_REDIS_NAME', 'tessera'), minReplicas: read.int('AUTH_WRITE_MIN_REPLICAS', 1, 0, 16), waitMs }
  } else if (url !== undefined) {
    // A standalone server may have no replica at all, so confirmation by WAIT is opt-in there.
    store = { kind: 'redis', url, minReplicas: read.int('AUTH_WRITE_MIN_REPLICAS', 0, 0, 16), waitMs }
  } else {
    store = { kind: 'embedded', path: `${read.string('TESSERA_DATA_DIR', './data').replace(/\/+$/, '')}/auth.sqlite` }
  }

  let adminToken = read.optional('AUTH_ADMIN_TOKEN')
  let adminTokenGenerated = false
  if (adminToken === undefined) {
    read.check(isLoopbackHost(host) || options.embedded === true, `AUTH_ADMIN_TOKEN is required when AUTH_HOST=${JSON.stringify(host)} is not a loopback address`)
    adminToken = randomBytes(24).toString('base64url')
    adminTokenGenerated = true
  } else {
    read.check(adminToken.length >= 16, 'AUTH_ADMIN_TOKEN: expected at least 16 characters')
  }

  const scryptCost = read.int('AUTH_SCRYPT_COST', 16384, 1024, 1 << 20)
  read.check((scryptCost & (scryptCost - 1)) === 0, `AUTH_SCRYPT_COST=${scryptCost}: expected a power of two`)

  const config: AuthConfig = {
    port: read.int('AUTH_PORT', 8081, 0, 65535),
    host,
    adminToken,
    adminTokenGenerated,
    whitelist: read.bool('AUTH_WHITELIST', false),
    offlineAccounts: read.bool('AUTH_OFFLINE_ACCOUNTS', false),
    duplicateLogin: read.oneOf<DuplicateLoginPolicy>('AUTH_DUPLICATE_LOGIN', 'kick-old', ['kick-old', 'refuse-new']),
    failoverAdmit: read.oneOf<FailoverAdmitPolicy>('AUTH_FAILOVER_ADMIT', 'provisional', ['provisional', 'refuse']),
    // At least three gateway heartbeats (every 5 s, SESSION_HEARTBEAT_INTERVAL_MS) fit in a TTL.
    sessionTtlMs: read.int('AUTH_SESSION_TTL_S', 30, 15, 86_400) * 1000,
    ops: parseNames(read.string('AUTH_OPS', ''), read),
    scryptCost,
    sseHeartbeatMs: read.int('AUTH_SSE_HEARTBEAT_S', 10, 1, 300) * 1000,
    rateLimits: {
      windowMs: read.int('AUTH_RATE_WINDOW_S', 60, 1, 3600) * 1000,
      admitsPerAddress: read.int('AUTH_RATE_ADMITS_PER_ADDRESS', 30, 1, 1_000_000),
      admitsPerAccount: read.int('AUTH_RATE_ADMITS_PER_ACCOUNT', 10, 1, 1_000_000),
      passwordPerAddress: read.int('AUTH_RATE_PASSWORD_PER_ADDRESS', 20, 1, 1_000_000),
      lockoutAttempts: read.int('AUTH_LOCKOUT_ATTEMPTS', 5, 1, 100),
      lockoutMs: read.int('AUTH_LOCKOUT_S', 300, 1, 86_400) * 1000
    },
    store,
    logLevel: read.oneOf('TESSERA_LOG_LEVEL', 'info', LOG_LEVELS)
  }
  read.done('auth-service')
  return config
}

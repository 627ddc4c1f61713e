/**
 * AuthStore on Redis, standalone or behind Sentinel (ioredis). Choices, per the CP/AP table in
 * auth-service/README.md:
 *
 * - Reads go to the primary and fall back to a replica when the primary is down, so admits and
 *   password checks of existing accounts keep working while Sentinel promotes a replica
 *   (availability over consistency: a replica may lag by a few milliseconds).
 * - Session claims, releases and renewals are Lua scripts on the primary (atomic
 *   check-and-set); they fail fast with AUTH_STORE_UNAVAILABLE when there is no primary.
 * - Durable writes (accounts, bans, whitelist, ops) go out in one pipeline with
 *   `WAIT <minReplicas> <waitMs>` and count as confirmed only if WAIT reports enough replicas.
 *   Sentinel promotes the replica with the largest replication offset, so a write one replica
 *   acknowledged survives the failover. Every durable write is idempotent, so a caller may
 *   repeat one that failed with an unknown outcome.
 * - No offline queue on the command connections: a command never waits for a reconnect that
 *   may not come; it fails at once and the caller answers "try again in a moment".
 *
 * Keys (prefix `tessera:auth:` by default): session:<uuid> (hash, TTL), sid:<sessionId> (uuid,
 * TTL), bans (hash kind:value → Ban JSON), whitelist / ops / players (hash lower name → value),
 * account:<uuid> (hash, one whole record), fail:<uuid> (hash, TTL), rate:<…> (counter, TTL);
 * channel <prefix>events.
 */
import { EventEmitter } from 'node:events'
import { Redis, type ChainableCommander, type RedisOptions } from 'ioredis'
import type { AuthEvent, Ban } from '#shared/auth-api.ts'
import { TesseraError } from '#shared/errors.ts'
import { reconnectThroughFailover } from '#shared/cluster/redis-connection.ts'
import type { Logger } from '#shared/logger.ts'
import type { StoreConfig } from '../config.ts'
import {
  banKey, bannedEvent,
  type AccountRecord, type AdmissionFacts, type AdmissionQuery, type AuthStore, type ClaimResult,
  type CreateAccountResult, type FailureState, type ReplaceAccountResult, type SessionRecord
} from './auth-store.ts'

/** Atomically claims the account's session (see AuthStore.claimSession). */
const CLAIM_SESSION = `
local cur = redis.call('HGETALL', KEYS[1])
local curId = nil
for i = 1, #cur, 2 do if cur[i] == 'sessionId' then curId = cur[i + 1] end end
local other = curId ~= nil and curId ~= ARGV[1]
if other and ARGV[8] == 'refuse-new' then return {0, cur} end
if other then
  redis.call('DEL', ARGV[9] .. curId)
  redis.call('PUBLISH', ARGV[10], cjson.encode({type = 'SessionRevoked', uuid = ARGV[2], sessionId = curId, reason = ARGV[11]}))
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'sessionId', ARGV[1], 'uuid', ARGV[2], 'username', ARGV[3], 'gatewayId', ARGV[4], 'address', ARGV[5], 'createdAt', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[7])
if other then return {1, cur} end
return {1, {}}
`

/** Compare-and-delete of the account's session. */
const RELEASE_SESSION = `
if redis.call('HGET', KEYS[1], 'sessionId') == ARGV[1] then
  redis.call('DEL', KEYS[1], ARGV[2] .. ARGV[1])
  return 1
end
return 0
`

/** Renews the sessions of ARGV[5..] that the gateway ARGV[3] holds. */
const RENEW_SESSIONS = `
local n = 0
for i = 5, #ARGV do
  local sid = ARGV[i]
  local uuid = redis.call('GET', ARGV[2] .. sid)
  if uuid then
    local key = ARGV[1] .. uuid
    local s = redis.call('HMGET', key, 'sessionId', 'gatewayId')
    if s[1] == sid and s[2] == ARGV[3] then
      redis.call('PEXPIRE', key, ARGV[4])
      redis.call('PEXPIRE', ARGV[2] .. sid, ARGV[4])
      n = n + 1
    end
  end
end
return n
`

/** Writes the whole account hash only if absent; otherwise returns the existing one. */
const CREATE_ACCOUNT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HGETALL', KEYS[1]) end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`

/** Replaces the whole account hash if its hash is ARGV[1] (expected) or ARGV[2] (already new). */
const REPLACE_ACCOUNT = `
local cur = redis.call('HGET', KEYS[1], 'hash')
if cur and (cur == ARGV[1] or cur == ARGV[2]) then
  redis.call('HSET', KEYS[1], unpack(ARGV, 3))
  return 1
end
return redis.call('HGETALL', KEYS[1])
`

/** Rewrites an unchanged account so a following WAIT confirms it reached a replica. */
const CONFIRM_ACCOUNT = `
if redis.call('HGET', KEYS[1], 'hash') == ARGV[1] then
  redis.call('HSET', KEYS[1], unpack(ARGV, 2))
  return 1
end
return 0
`

/** INCR with a TTL set on creation. */
const INCREMENT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`

/** One more wrong password; at the limit, lock and restart the count. Times stay strings (Lua doubles print as 1.8e+12). */
const RECORD_FAILURE = `
local f = tonumber(redis.call('HGET', KEYS[1], 'failures') or '0') + 1
local lu = redis.call('HGET', KEYS[1], 'lockedUntil') or '0'
if f >= tonumber(ARGV[1]) then
  f = 0
  lu = ARGV[2]
end
redis.call('HSET', KEYS[1], 'failures', f, 'lockedUntil', lu)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {f, lu}
`

const SCRIPTS = {
  claimSession: { numberOfKeys: 2, lua: CLAIM_SESSION },
  releaseSession: { numberOfKeys: 1, lua: RELEASE_SESSION },
  renewSessions: { numberOfKeys: 0, lua: RENEW_SESSIONS },
  createAccount: { numberOfKeys: 1, lua: CREATE_ACCOUNT },
  replaceAccount: { numberOfKeys: 1, lua: REPLACE_ACCOUNT },
  confirmAccount: { numberOfKeys: 1, lua: CONFIRM_ACCOUNT },
  incrementCounter: { numberOfKeys: 1, lua: INCREMENT },
  recordFailure: { numberOfKeys: 1, lua: RECORD_FAILURE }
} as const

type ScriptName = keyof typeof SCRIPTS
const SCRIPT_NAMES = Object.keys(SCRIPTS) as ScriptName[]
type Target = Redis | ChainableCommander

/** Calls a script defined with defineCommand (ioredis adds them as untyped methods). */
function script (target: Target, name: ScriptName, ...args: Array<string | number>): unknown {
  return (target as unknown as Record<ScriptName, (...a: Array<string | number>) => unknown>)[name](...args)
}

/** Options of the Redis store. */
export interface RedisAuthStoreOptions {
  readonly connection: Exclude<StoreConfig, { kind: 'embedded' }>
  readonly logger: Logger
  /** Key and channel prefix; tests give each store its own. */
  readonly prefix?: string
  /** Per-command timeout besides WAIT, in ms (default 1000). */
  readonly commandTimeoutMs?: number
  /** How long a read waits for a primary or replica connection to come back (default 1000). */
  readonly readWaitMs?: number
}

/** Turns any Redis failure into the one error callers act on. */
function unavailable (err: unknown, what: string): TesseraError {
  return new TesseraError('AUTH_STORE_UNAVAILABLE', `${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
}

function toFields (account: AccountRecord): string[] {
  return [
    'uuid', account.uuid, 'username', account.username, 'hash', account.hash, 'salt', account.salt,
    'cost', String(account.cost), 'blockSize', String(account.blockSize), 'parallelization', String(account.parallelization),
    'keyLength', String(account.keyLength), 'createdAt', String(account.createdAt), 'updatedAt', String(account.updatedAt)
  ]
}

function pairs (flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!
  return out
}

function toAccount (hash: Record<string, string>): AccountRecord | null {
  if (hash.hash === undefined || hash.uuid === undefined) return null
  return {
    uuid: hash.uuid,
    username: hash.username ?? '',
    hash: hash.hash,
    salt: hash.salt ?? '',
    cost: Number(hash.cost),
    blockSize: Number(hash.blockSize),
    parallelization: Number(hash.parallelization),
    keyLength: Number(hash.keyLength),
    createdAt: Number(hash.createdAt),
    updatedAt: Number(hash.updatedAt)
  }
}

function toSession (hash: Record<string, string>): SessionRecord | null {
  if (hash.sessionId === undefined || hash.uuid === undefined) return null
  return { sessionId: hash.sessionId, uuid: hash.uuid, username: hash.username ?? '', gatewayId: hash.gatewayId ?? '', address: hash.address ?? '', createdAt: Number(hash.createdAt) }
}

/** Result of one pipelined command: [error, reply]. */
type PipelineResult = [Error | null, unknown]

/** The Redis AuthStore. */
export class RedisAuthStore implements AuthStore {
  readonly #options: RedisAuthStoreOptions
  readonly #log: Logger
  readonly #prefix: string
  readonly #channel: string
  readonly #events = new EventEmitter()
  readonly #primary: Redis
  /** Reads during a failover; null for a standalone server (nothing to fall back to). */
  readonly #replica: Redis | null
  readonly #subscriber: Redis
  readonly #readWaitMs: number

  constructor (options: RedisAuthStoreOptions) {
    this.#options = options
    this.#log = options.logger
    this.#prefix = options.prefix ?? 'tessera:auth:'
    this.#channel = `${this.#prefix}events`
    this.#events.setMaxListeners(0)
    this.#readWaitMs = options.readWaitMs ?? 1000
    const commandTimeout = options.commandTimeoutMs ?? 1000
    const connection = options.connection
    const base: RedisOptions = {
      lazyConnect: true,
      connectTimeout: 1000,
      // Reconnect quickly: a failover takes a second or two and every attempt re-asks Sentinel.
      retryStrategy: (attempt: number) => Math.min(50 * attempt, 500),
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      commandTimeout: commandTimeout + connection.waitMs,
      // A primary demoted to replica answers READONLY: reconnect (via Sentinel) to the new one.
      reconnectOnError: (err: Error) => err.message.startsWith('READONLY') ? 2 : false
    }
    const make = (role: 'master' | 'slave', overrides: RedisOptions = {}): Redis => {
      const all: RedisOptions = { ...base, ...overrides }
      if (connection.kind === 'redis') return new Redis(connection.url, all)
      const client = new Redis({
        ...all,
        sentinels: connection.sentinels.map((s) => ({ host: s.host, port: s.port })),
        name: connection.name,
        role,
        // Primary connections move at once on +switch-master; a replica keeps serving reads
        // whatever its role becomes, so the read connection stays where it is.
        failoverDetector: role === 'master',
        sentinelRetryStrategy: (attempt: number) => Math.min(100 * attempt, 1000),
        sentinelCommandTimeout: 500
      })
      reconnectThroughFailover(client)
      return client
    }
    this.#primary = make('master')
    this.#replica = connection.kind === 'sentinel' ? make('slave', { reconnectOnError: null }) : null
    // The subscriber may queue SUBSCRIBE until connected; ioredis resubscribes after a reconnect.
    this.#subscriber = make('master', { enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined })
    for (const [role, client] of [['primary', this.#primary], ['replica', this.#replica], ['subscriber', this.#subscriber]] as const) {
      if (client === null) continue
      for (const name of SCRIPT_NAMES) client.defineCommand(name, SCRIPTS[name])
      let lastError = ''
      client.on('error', (err: Error) => {
        // One line per distinct error, not one per reconnect attempt.
        if (err.message !== lastError) this.#log.warn({ role, err: err.message }, 'redis connection error')
        lastError = err.message
      })
      client.on('ready', () => {
        lastError = ''
        this.#log.info({ role }, 'redis connection ready')
      })
    }
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.#channel) return
      try {
        this.#events.emit('event', JSON.parse(message) as AuthEvent)
      } catch (err) {
        this.#log.warn({ err, message }, 'unreadable event on the channel')
      }
    })
  }

  #key (...parts: string[]): string {
    return this.#prefix + parts.join(':')
  }

  async open (): Promise<void> {
    try {
      await this.#primary.connect()
      await this.#subscriber.connect()
      await this.#subscriber.subscribe(this.#channel)
    } catch (err) {
      throw unavailable(err, 'connect')
    }
    // Replicas are a fallback for reads: do not fail the start without one.
    this.#replica?.connect().catch((err: unknown) => { this.#log.warn({ err }, 'no replica for failover reads yet') })
  }

  isWritable (): boolean {
    return this.#primary.status === 'ready'
  }

  /**
   * Runs a read on the primary, or on a replica when the primary is down or fails. While
   * neither is connected (Sentinel kills client connections of the instances it reconfigures),
   * waits up to readWaitMs for one to come back: a read may be late, but it should not fail.
   */
  async #read<T> (what: string, fn: (client: Redis) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#readWaitMs
    let lastError: unknown = null
    for (;;) {
      for (const client of [this.#primary, this.#replica]) {
        if (client?.status !== 'ready') continue
        try {
          return await fn(client)
        } catch (err) {
          lastError = err
        }
      }
      const left = deadline - Date.now()
      if (left <= 0) throw unavailable(lastError ?? new Error(`primary ${this.#primary.status}, replica ${this.#replica?.status ?? 'none'}`), what)
      await this.#anyReady(left)
    }
  }

  /** Resolves when any command connection becomes ready, or after timeoutMs. */
  async #anyReady (timeoutMs: number): Promise<void> {
    const clients = [this.#primary, this.#replica].filter((c): c is Redis => c !== null)
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        for (const client of clients) client.off('ready', done)
        resolve()
      }
      const timer = setTimeout(done, timeoutMs)
      for (const client of clients) client.once('ready', done)
    })
  }

  /** Runs a single command or script on the primary. */
  async #write<T> (what: string, fn: (client: Redis) => Promise<T>): Promise<T> {
    try {
      return await fn(this.#primary)
    } catch (err) {
      throw unavailable(err, what)
    }
  }

  /**
   * Sends the commands and, in the same pipeline, WAIT; resolves with the commands' replies
   * only if every command succeeded and enough replicas acknowledged them.
   */
  async #durable (what: string, build: (pipeline: ChainableCommander) => void): Promise<unknown[]> {
    const { minReplicas, waitMs } = this.#options.connection
    const pipeline = this.#primary.pipeline()
    build(pipeline)
    if (minReplicas > 0) pipeline.wait(minReplicas, waitMs)
    let results: PipelineResult[]
    try {
      results = (await pipeline.exec()) ?? []
    } catch (err) {
      throw unavailable(err, what)
    }
    for (const [err] of results) if (err !== null) throw unavailable(err, what)
    const replies = results.map(([, reply]) => reply)
    if (minReplicas > 0) {
      const acknowledged = Number(replies.pop())
      if (acknowledged < minReplicas) throw unavailable(new Error(`${acknowledged} of ${minReplicas} replicas confirmed within ${waitMs} ms`), what)
    }
    return replies
  }

  async readAdmission (query: AdmissionQuery): Promise<AdmissionFacts> {
    return await this.#read('read admission', async (client) => {
      const name = query.username.toLowerCase()
      const results = (await client.pipeline()
        .hmget(this.#key('bans'), banKey('uuid', query.uuid), banKey('name', query.username), banKey('address', query.address))
        .hexists(this.#key('whitelist'), name)
        .hexists(this.#key('ops'), name)
        .hgetall(this.#key('account', query.uuid))
        .hgetall(this.#key('session', query.uuid))
        .exec()) ?? []
      for (const [err] of results) if (err !== null) throw err
      const [bans, whitelisted, op, account, session] = results.map(([, reply]) => reply) as [Array<string | null>, number, number, Record<string, string>, Record<string, string>]
      return {
        bans: bans.filter((ban): ban is string => ban !== null).map((ban) => JSON.parse(ban) as Ban),
        whitelisted: whitelisted === 1,
        op: op === 1,
        account: toAccount(account),
        session: toSession(session)
      }
    })
  }

  async claimSession (session: SessionRecord, policy: 'kick-old' | 'refuse-new', ttlMs: number, revokeReason: string): Promise<ClaimResult> {
    const reply = await this.#write('claim session', async (client) => await script(client, 'claimSession',
      this.#key('session', session.uuid), this.#key('sid', session.sessionId),
      session.sessionId, session.uuid, session.username, session.gatewayId, session.address, String(session.createdAt),
      String(ttlMs), policy, this.#key('sid', ''), this.#channel, revokeReason) as [number, string[]])
    const previous = toSession(pairs(reply[1]))
    if (reply[0] === 0 && previous !== null) return { claimed: false, holder: previous }
    return { claimed: true, replaced: previous }
  }

  async releaseSession (uuid: string, sessionId: string): Promise<boolean> {
    return await this.#write('release session', async (client) =>
      await script(client, 'releaseSession', this.#key('session', uuid), sessionId, this.#key('sid', '')) as number) === 1
  }

  async renewSessions (gatewayId: string, sessionIds: readonly string[], ttlMs: number): Promise<number> {
    if (sessionIds.length === 0) return 0
    return await this.#write('renew sessions', async (client) =>
      await script(client, 'renewSessions', this.#key('session', ''), this.#key('sid', ''), gatewayId, String(ttlMs), ...sessionIds) as number)
  }

  async getSession (uuid: string): Promise<SessionRecord | null> {
    return await this.#read('get session', async (client) => toSession(await client.hgetall(this.#key('session', uuid))))
  }

  async addBan (ban: Ban): Promise<void> {
    await this.#durable('add ban', (p) => { p.hset(this.#key('bans'), banKey(ban.kind, ban.value), JSON.stringify(ban)) })
    // Published once the ban is confirmed; a retry of addBan publishes again (harmless).
    await this.publish(bannedEvent(ban))
  }

  async removeBan (kind: Ban['kind'], value: string): Promise<boolean> {
    const [removed] = await this.#durable('remove ban', (p) => { p.hdel(this.#key('bans'), banKey(kind, value)) })
    return Number(removed) > 0
  }

  async listBans (): Promise<Ban[]> {
    return await this.#read('list bans', async (client) =>
      Object.entries(await client.hgetall(this.#key('bans'))).sort(([a], [b]) => a.localeCompare(b)).map(([, ban]) => JSON.parse(ban) as Ban))
  }

  async #setName (list: string, name: string, enabled: boolean): Promise<void> {
    await this.#durable(`set ${list}`, (p) => {
      if (enabled) p.hset(this.#key(list), name.toLowerCase(), name)
      else p.hdel(this.#key(list), name.toLowerCase())
    })
  }

  async #hasName (list: string, name: string): Promise<boolean> {
    return await this.#read(`read ${list}`, async (client) => await client.hexists(this.#key(list), name.toLowerCase()) === 1)
  }

  async #listNames (list: string): Promise<string[]> {
    return await this.#read(`list ${list}`, async (client) =>
      Object.entries(await client.hgetall(this.#key(list))).sort(([a], [b]) => a.localeCompare(b)).map(([, name]) => name))
  }

  async setWhitelisted (name: string, enabled: boolean): Promise<void> { await this.#setName('whitelist', name, enabled) }
  async isWhitelisted (name: string): Promise<boolean> { return await this.#hasName('whitelist', name) }
  async listWhitelist (): Promise<string[]> { return await this.#listNames('whitelist') }
  async setOp (name: string, enabled: boolean): Promise<void> { await this.#setName('ops', name, enabled) }
  async isOp (name: string): Promise<boolean> { return await this.#hasName('ops', name) }
  async listOps (): Promise<string[]> { return await this.#listNames('ops') }

  async rememberPlayer (username: string, uuid: string): Promise<void> {
    await this.#write('remember player', async (client) => await client.hset(this.#key('players'), username.toLowerCase(), uuid))
  }

  async findPlayer (username: string): Promise<string | null> {
    return await this.#read('find player', async (client) => await client.hget(this.#key('players'), username.toLowerCase()))
  }

  async createAccount (account: AccountRecord): Promise<CreateAccountResult> {
    const [reply] = await this.#durable('create account', (p) => { script(p, 'createAccount', this.#key('account', account.uuid), ...toFields(account)) })
    if (reply === 1) return { created: true }
    const existing = toAccount(pairs(reply as string[]))
    if (existing === null) throw unavailable(new Error('unreadable account record'), 'create account')
    return { created: false, existing }
  }

  async replaceAccount (account: AccountRecord, expectedHash: string): Promise<ReplaceAccountResult> {
    const [reply] = await this.#durable('replace account', (p) => {
      script(p, 'replaceAccount', this.#key('account', account.uuid), expectedHash, account.hash, ...toFields(account))
    })
    if (reply === 1) return { replaced: true }
    return { replaced: false, current: toAccount(pairs(reply as string[])) }
  }

  async confirmAccount (account: AccountRecord): Promise<void> {
    await this.#durable('confirm account', (p) => { script(p, 'confirmAccount', this.#key('account', account.uuid), account.hash, ...toFields(account)) })
  }

  async getAccount (uuid: string): Promise<AccountRecord | null> {
    return await this.#read('get account', async (client) => toAccount(await client.hgetall(this.#key('account', uuid))))
  }

  async increment (key: string, ttlMs: number): Promise<number> {
    return await this.#write('count attempt', async (client) => await script(client, 'incrementCounter', this.#key(key), String(ttlMs)) as number)
  }

  async getFailures (uuid: string): Promise<FailureState> {
    return await this.#read('read failures', async (client) => {
      const [failures, lockedUntil] = await client.hmget(this.#key('fail', uuid), 'failures', 'lockedUntil')
      return { failures: Number(failures ?? 0), lockedUntil: Number(lockedUntil ?? 0) }
    })
  }

  async recordFailure (uuid: string, limit: number, lockUntil: number, ttlMs: number): Promise<FailureState> {
    const [failures, lockedUntil] = await this.#write('record failure', async (client) =>
      await script(client, 'recordFailure', this.#key('fail', uuid), String(limit), String(lockUntil), String(ttlMs)) as [number, string])
    return { failures: Number(failures), lockedUntil: Number(lockedUntil) }
  }

  async clearFailures (uuid: string): Promise<void> {
    await this.#write('clear failures', async (client) => await client.del(this.#key('fail', uuid)))
  }

  async publish (event: AuthEvent): Promise<void> {
    await this.#write('publish event', async (client) => await client.publish(this.#channel, JSON.stringify(event)))
  }

  subscribe (listener: (event: AuthEvent) => void): () => void {
    this.#events.on('event', listener)
    return () => { this.#events.off('event', listener) }
  }

  async close (): Promise<void> {
    this.#events.removeAllListeners()
    await Promise.all([this.#primary, this.#replica, this.#subscriber].map(async (client) => {
      if (client === null || client.status === 'end') return
      // QUIT alone leaves ioredis' Sentinel failover detector subscribed (and reconnecting
      // forever); disconnect() also stops the connector and its detector.
      if (client.status === 'ready') await client.quit().catch(() => undefined)
      client.disconnect()
    }))
  }
}


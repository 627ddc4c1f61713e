/**
 * Cluster membership: world-nodes and gateways announce themselves with heartbeats in Redis,
 * anyone can list the live members of a role, and watchers hear about joins and departures.
 *
 * Each role has a sorted set of member id → expiry time (Redis server time, so members'
 * clocks do not matter) and a hash of member id → address. A heartbeat pushes the expiry
 * ttlMs ahead; a member whose expiry has passed is not live. Joins and graceful leaves are
 * published on the bus at once; a crashed member is noticed by the watchers' polling, so a
 * departure is seen within ttlMs + pollIntervalMs. Membership is advisory (who should own
 * what); ownership itself is decided by leases (leases.ts).
 * Transport code shared by every service, hence in shared/ (STYLE rule 2 exception).
 */
import type { GatewayId, NodeId } from '../ids.ts'
import type { Logger } from '../logger.ts'
import type { Bus, Unsubscribe } from './bus.ts'
import { DEFAULT_KEY_PREFIX } from './leases.ts'
import { defineScript, type Redis } from './redis-connection.ts'

/** The id type of each role. */
export interface MemberIds { readonly 'world-node': NodeId, readonly gateway: GatewayId }
/** What a member is. */
export type MemberRole = keyof MemberIds

/** A live member. */
export interface Member<R extends MemberRole = MemberRole> {
  readonly role: R
  readonly id: MemberIds[R]
  /** Where to reach it, e.g. a world-node's link `host:port`; '' when it listens nowhere. */
  readonly address: string
  /** Redis time (ms) after which it counts as gone unless it heartbeats again. */
  readonly expiresAt: number
}

/** A change of a role's live members, with the full list after it. */
export interface MembershipChange<R extends MemberRole = MemberRole> {
  readonly role: R
  readonly joined: ReadonlyArray<Member<R>>
  readonly left: ReadonlyArray<Member<R>>
  readonly members: ReadonlyArray<Member<R>>
}

/** A running heartbeat; stop() leaves the cluster. */
export interface Registration { stop (): Promise<void> }

/** A running watch. */
export interface MembershipWatch { stop (): Promise<void> }

/** Settings of a RedisMembership. */
export interface MembershipOptions {
  readonly redis: Redis
  /** Where joins and leaves are announced; without one, watchers rely on polling alone. */
  readonly bus?: Bus
  /** Key prefix (default `tessera:`). */
  readonly prefix?: string
  /** A member is gone this long after its last heartbeat (default 10 s). */
  readonly ttlMs?: number
  /** Heartbeat period (default ttlMs / 3, so two can be lost). */
  readonly heartbeatIntervalMs?: number
  /** Watchers re-read the member list at least this often (default 1 s). */
  readonly pollIntervalMs?: number
  readonly log?: Logger
}

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`

/** KEYS zset, hash · ARGV id, address, ttl → 1 when the member was not live before. */
const HEARTBEAT = defineScript(`${NOW}
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now))
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[1], id)
  if id ~= ARGV[1] then redis.call('HDEL', KEYS[2], id) end
end
local added = redis.call('ZADD', KEYS[1], string.format('%d', now + tonumber(ARGV[3])), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return added
`)

/** KEYS zset, hash → flat { id, expiresAt, address, … } of live members. */
const LIST = defineScript(`${NOW}
local rows = redis.call('ZRANGEBYSCORE', KEYS[1], string.format('(%d', now), '+inf', 'WITHSCORES')
local out = {}
for i = 1, #rows, 2 do
  out[#out + 1] = rows[i]
  out[#out + 1] = rows[i + 1]
  out[#out + 1] = redis.call('HGET', KEYS[2], rows[i]) or ''
end
return out
`)

/** KEYS zset, hash · ARGV id → 1 when it was a member. */
const LEAVE = defineScript(`
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('ZREM', KEYS[1], ARGV[1])
`)

/** Membership in Redis. */
export class RedisMembership {
  readonly #redis: Redis
  readonly #bus: Bus | undefined
  readonly #prefix: string
  readonly #ttlMs: number
  readonly #heartbeatIntervalMs: number
  readonly #pollIntervalMs: number
  readonly #log: Logger | undefined

  constructor (options: MembershipOptions) {
    this.#redis = options.redis
    this.#bus = options.bus
    this.#prefix = options.prefix ?? DEFAULT_KEY_PREFIX
    this.#ttlMs = options.ttlMs ?? 10_000
    this.#heartbeatIntervalMs = options.heartbeatIntervalMs ?? Math.max(1, Math.floor(this.#ttlMs / 3))
    this.#pollIntervalMs = options.pollIntervalMs ?? 1000
    this.#log = options.log
    if (!(this.#heartbeatIntervalMs < this.#ttlMs)) throw new RangeError('heartbeatIntervalMs must be shorter than ttlMs')
  }

  #keys (role: MemberRole): [string, string] {
    return [`${this.#prefix}members:${role}`, `${this.#prefix}members:${role}:address`]
  }

  #topic (role: MemberRole): string {
    return `members:${role}`
  }

  /** One heartbeat; true when the member was not live before it (a join, announced on the bus). */
  async heartbeat<R extends MemberRole> (role: R, id: MemberIds[R], address = ''): Promise<boolean> {
    const joined = await HEARTBEAT.run(this.#redis, this.#keys(role), [id, address, this.#ttlMs]) === 1
    if (joined) await this.#bus?.publish(this.#topic(role), `join ${id}`)
    return joined
  }

  /** Removes the member now (a graceful stop), announced on the bus. */
  async leave<R extends MemberRole> (role: R, id: MemberIds[R]): Promise<void> {
    const removed = await LEAVE.run(this.#redis, this.#keys(role), [id]) === 1
    if (removed) await this.#bus?.publish(this.#topic(role), `leave ${id}`)
  }

  /**
   * Joins (first heartbeat awaited, so a failure to reach Redis surfaces here) and keeps
   * heartbeating until stop(), which leaves. A failed later heartbeat is logged and retried on
   * the next period; the member stays live as long as one succeeds within ttlMs.
   */
  async register<R extends MemberRole> (role: R, id: MemberIds[R], address = ''): Promise<Registration> {
    await this.heartbeat(role, id, address)
    let running: Promise<unknown> = Promise.resolve()
    const timer = setInterval(() => {
      running = this.heartbeat(role, id, address).catch((err: unknown) => {
        this.#log?.warn({ err, role, id }, 'membership heartbeat failed')
      })
    }, this.#heartbeatIntervalMs)
    let stopped = false
    return {
      stop: async () => {
        if (stopped) return
        stopped = true
        clearInterval(timer)
        await running
        await this.leave(role, id)
      }
    }
  }

  /** The live members of a role, by id. */
  async list<R extends MemberRole> (role: R): Promise<Array<Member<R>>> {
    const flat = await LIST.run(this.#redis, this.#keys(role), []) as string[]
    const members: Array<Member<R>> = []
    for (let i = 0; i + 2 < flat.length; i += 3) {
      members.push({ role, id: flat[i] as MemberIds[R], expiresAt: Number(flat[i + 1]), address: flat[i + 2]! })
    }
    return members.sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  }

  /**
   * Calls onChange with the first list, then on every change: at once for a join or leave
   * announced on the bus, and within pollIntervalMs of a member expiring. Listing errors
   * are logged and retried at the next poll.
   */
  async watch<R extends MemberRole> (role: R, onChange: (change: MembershipChange<R>) => void): Promise<MembershipWatch> {
    let known = new Map<string, Member<R>>()
    let initialised = false
    let stopped = false
    let refreshing: Promise<void> | null = null
    let again = false
    const refresh = async (): Promise<void> => {
      const members = await this.list(role)
      if (stopped) return
      const next = new Map(members.map((m) => [m.id as string, m]))
      const joined = members.filter((m) => !known.has(m.id))
      const left = [...known.values()].filter((m) => !next.has(m.id))
      const first = !initialised
      known = next
      initialised = true
      if (first || joined.length > 0 || left.length > 0) onChange({ role, joined, left, members })
    }
    // One refresh at a time; a trigger during one runs another right after.
    const trigger = (): void => {
      if (stopped) return
      if (refreshing !== null) {
        again = true
        return
      }
      refreshing = refresh().catch((err: unknown) => { this.#log?.warn({ err, role }, 'membership refresh failed') }).finally(() => {
        refreshing = null
        if (again) {
          again = false
          trigger()
        }
      })
    }
    let unsubscribe: Unsubscribe | undefined
    if (this.#bus !== undefined) unsubscribe = await this.#bus.subscribe(this.#topic(role), () => { trigger() })
    try {
      await refresh()
    } catch (err) {
      await unsubscribe?.()
      throw err
    }
    const timer = setInterval(trigger, this.#pollIntervalMs)
    return {
      stop: async () => {
        stopped = true
        clearInterval(timer)
        await unsubscribe?.()
        await refreshing
      }
    }
  }
}

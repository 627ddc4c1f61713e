/**
 * Region ownership by leases (distributed mode). Regions are leased on demand: when one is
 * needed (a subscription to one of its chunks, a player standing in it, a transfer into it) and
 * rendezvous placement over the live world-nodes names this node, the lease is acquired, the
 * region's history is loaded (snapshot + log) and only then is the region owned. Leases are
 * renewed every third of their ttl. A region is given up when placement moves it away (a node
 * joined): the owned set shrinks at once, the lease is released after the writes already queued.
 * It is lost when a renewal fails or a write is refused for a stale epoch. Either way the node
 * drops its chunks and subscriptions, tells gateways, and its players there are handed off by
 * the end-of-tick border check.
 */
import type { NodeId, RegionId } from '#shared/ids.ts'
import type { Logger } from '#shared/logger.ts'
import type { RedisRegionLeases } from '#shared/cluster/leases.ts'
import { placeRegion } from '#shared/cluster/placement.ts'
import { REGION_RETRY_MS, type RegionAvailability, type RegionHooks, type RegionOwnership } from '../regions.ts'
import type { RedisWorldStore } from './redis-world-store.ts'

/** Settings of a LeasedRegions. */
export interface LeasedRegionsOptions {
  readonly nodeId: NodeId
  readonly leases: RedisRegionLeases
  readonly store: RedisWorldStore
  readonly ttlMs: number
  readonly log: Logger
  /** Release owned regions unused this long (default IDLE_RELEASE_MS). */
  readonly idleReleaseMs?: number
}

interface Owned { readonly epoch: number, lastUsed: number }

/** An owned region nothing needed for this long is released (its lease renewals cost Redis calls). */
export const IDLE_RELEASE_MS = 30_000

/** A region whose lease could not be granted is not asked for again sooner than this. */
const ACQUIRE_RETRY_MS = REGION_RETRY_MS

/** Ownership by Redis leases and rendezvous placement. */
export class LeasedRegions implements RegionOwnership {
  readonly all = false
  readonly #options: LeasedRegionsOptions
  readonly #owned = new Map<RegionId, Owned>()
  /** Acquisitions in flight, with the callbacks waiting for them. */
  readonly #acquiring = new Map<RegionId, Array<(owned: boolean) => void>>()
  /** Regions revoked outside the tick (a refused write); owns() is false for them at once. */
  readonly #revoked = new Set<RegionId>()
  /** When the last grant of a region failed. */
  readonly #failedAt = new Map<RegionId, number>()
  #hooks: RegionHooks | null = null
  /** An idle-release job waits for the tick. */
  #releaseQueued = false
  #members: NodeId[] = []
  #draining = false
  #stopped = false
  #renewTimer: NodeJS.Timeout | undefined

  readonly #idleReleaseMs: number

  constructor (options: LeasedRegionsOptions) {
    this.#options = options
    this.#idleReleaseMs = options.idleReleaseMs ?? IDLE_RELEASE_MS
  }

  /** Binds the node's hooks (createWorldNode calls this through its `regions` factory). */
  bind (hooks: RegionHooks): this {
    this.#hooks = hooks
    return this
  }

  /** Starts renewing. */
  start (): void {
    const period = Math.max(50, Math.floor(this.#options.ttlMs / 3))
    this.#renewTimer = setInterval(() => { void this.#renewAll() }, period)
    this.#renewTimer.unref()
  }

  /** Stops renewing (leases then expire unless released). */
  stop (): void {
    this.#stopped = true
    clearInterval(this.#renewTimer)
  }

  /** The live world-nodes changed (membership watch). */
  setMembers (members: readonly NodeId[]): void {
    this.#members = [...members]
    this.#hooks?.enqueue(() => { this.#rebalance() })
  }

  /** The live world-nodes as this node last saw them. */
  members (): NodeId[] {
    return [...this.#members]
  }

  /** Who placement names for the region, from this node's view. */
  placement (region: RegionId): NodeId | null {
    const { nodeId } = this.#options
    const nodes = this.#draining ? this.#members.filter((id) => id !== nodeId) : this.#members.includes(nodeId) ? this.#members : [...this.#members, nodeId]
    return placeRegion(region, nodes)
  }

  owns (region: RegionId): boolean {
    return this.#owned.has(region) && !this.#revoked.has(region)
  }

  owned (): RegionId[] {
    return [...this.#owned.keys()].filter((region) => !this.#revoked.has(region)).sort()
  }

  want (region: RegionId): RegionAvailability {
    if (this.owns(region)) return 'owned'
    if (this.#stopped || this.placement(region) !== this.#options.nodeId) return 'elsewhere'
    // After a failed grant (another node still holds the lease) wait a little before asking again.
    if ((this.#failedAt.get(region) ?? -Infinity) + ACQUIRE_RETRY_MS > Date.now()) return 'pending'
    this.#acquire(region)
    return 'pending'
  }

  whenOwned (region: RegionId, then: (owned: boolean) => void): void {
    const availability = this.want(region)
    const waiters = this.#acquiring.get(region)
    if (availability !== 'pending' || waiters === undefined) {
      then(availability === 'owned')
      return
    }
    waiters.push(then)
  }

  /** The lease held at `epoch` is gone (a refused write, a failed renewal): not owned from now on. */
  revoke (region: RegionId, epoch: number, reason: string): void {
    if (this.#owned.get(region)?.epoch !== epoch) return
    this.#revoked.add(region)
    this.#hooks?.enqueue(() => {
      if (this.#owned.get(region)?.epoch === epoch) this.#lose(region, reason)
    })
  }

  /** Gives one region up voluntarily (drain, rebalance); in the tick. */
  giveUp (region: RegionId, reason: string): void {
    const owned = this.#owned.get(region)
    if (owned === undefined) return
    this.#lose(region, reason)
    const { leases, nodeId, log } = this.#options
    // Release only after the writes queued so far, so the next owner replays all of them.
    this.#hooks?.afterWrites(async () => {
      try {
        await leases.release(region, nodeId, owned.epoch)
      } catch (err) {
        log.warn({ err, region }, 'releasing a region lease failed; it will expire')
      }
    })
  }

  /** giveUp() at the start of the next tick. */
  giveUpSoon (region: RegionId, reason: string): void {
    this.#hooks?.enqueue(() => { this.giveUp(region, reason) })
  }

  /** Drain: placement excludes this node from now on; regions are given up one by one by the caller. */
  startDraining (): void {
    this.#draining = true
  }

  #lose (region: RegionId, reason: string): void {
    this.#owned.delete(region)
    this.#revoked.delete(region)
    this.#options.store.closeRegion(region)
    this.#hooks?.lost(region, reason)
    this.#hooks?.changed()
  }

  #acquire (region: RegionId): void {
    if (this.#acquiring.has(region)) return
    this.#acquiring.set(region, [])
    const { leases, store, nodeId, ttlMs, log } = this.#options
    const finish = (grant: Owned | null): void => {
      this.#hooks?.enqueue(() => {
        const waiters = this.#acquiring.get(region) ?? []
        this.#acquiring.delete(region)
        if (grant === null) this.#failedAt.set(region, Date.now())
        else this.#failedAt.delete(region)
        if (grant !== null && !this.#stopped && this.placement(region) === nodeId) {
          this.#owned.set(region, { epoch: grant.epoch, lastUsed: Date.now() })
          this.#revoked.delete(region)
          log.info({ region, epoch: grant.epoch }, 'region acquired')
          this.#hooks?.changed()
        } else if (grant !== null) {
          // Placement moved while acquiring: let it go again.
          store.closeRegion(region)
          void leases.release(region, nodeId, grant.epoch).catch(() => {})
        }
        for (const then of waiters) then(this.owns(region))
      })
    }
    void (async () => {
      try {
        const grant = await leases.acquire(region, nodeId, ttlMs)
        if (grant === null) return finish(null)
        await store.openRegion(region, grant.epoch)
        finish({ epoch: grant.epoch, lastUsed: Date.now() })
      } catch (err) {
        log.warn({ err, region }, 'acquiring a region failed')
        finish(null)
      }
    })()
  }

  #rebalance (): void {
    // A draining node gives its regions up one at a time (drain()), not all at once.
    if (this.#draining) return
    for (const region of [...this.#owned.keys()]) {
      if (this.placement(region) !== this.#options.nodeId) this.giveUp(region, 'placement moved it to another node')
    }
  }

  /** In the tick: releases owned regions nothing has needed for IDLE_RELEASE_MS. */
  #releaseIdle (): void {
    if (this.#hooks === null) return
    const now = Date.now()
    const used = this.#hooks.regionsInUse()
    for (const [region, owned] of [...this.#owned]) {
      if (used.has(region)) owned.lastUsed = now
      else if (now - owned.lastUsed > this.#idleReleaseMs) this.giveUp(region, 'idle')
    }
  }

  async #renewAll (): Promise<void> {
    // Housekeeping: it does not wake a paused node (which holds no region), and one is queued
    // at a time, so a long pause does not pile them up.
    if (!this.#releaseQueued) {
      this.#releaseQueued = true
      this.#hooks?.enqueueQuietly(() => {
        this.#releaseQueued = false
        this.#releaseIdle()
      })
    }
    const { leases, nodeId, ttlMs, log } = this.#options
    for (const [region, at] of this.#failedAt) if (at + 10 * ACQUIRE_RETRY_MS < Date.now()) this.#failedAt.delete(region)
    await Promise.all([...this.#owned].map(async ([region, owned]) => {
      let held = false
      try {
        held = await leases.renew(region, nodeId, owned.epoch, ttlMs)
      } catch (err) {
        log.warn({ err, region }, 'renewing a region lease failed')
        return
      }
      if (!held && this.#owned.get(region) === owned) {
        log.warn({ region, epoch: owned.epoch }, 'region lease lost')
        this.revoke(region, owned.epoch, 'lease lost')
      }
    }))
  }
}

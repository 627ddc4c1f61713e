/**
 * Attempt limits shared by every replica through the store (fixed windows), and the
 * wrong-password lockout. When the store cannot take the write (a failover), the guard falls
 * back to this replica's own counters instead of failing the login: availability first, with
 * limits that still hold per replica.
 */
import type { Logger } from '#shared/logger.ts'
import { hasCode, TesseraError } from '#shared/errors.ts'
import type { Clock } from './clock.ts'
import type { RateLimitConfig } from './config.ts'
import type { AuthStore, FailureState } from './store/auth-store.ts'

/** The limit buckets. */
export type AttemptBucket = 'admit-address' | 'admit-account' | 'password-address'

/** Rate limits and lockouts for one replica. */
export class LoginGuard {
  readonly #store: AuthStore
  readonly #clock: Clock
  readonly #limits: RateLimitConfig
  readonly #log: Logger
  readonly #localCounts = new Map<string, number>()
  readonly #localFailures = new Map<string, FailureState>()
  #localWindow = -1

  constructor (store: AuthStore, clock: Clock, limits: RateLimitConfig, log: Logger) {
    this.#store = store
    this.#clock = clock
    this.#limits = limits
    this.#log = log
  }

  #limitOf (bucket: AttemptBucket): number {
    if (bucket === 'admit-address') return this.#limits.admitsPerAddress
    if (bucket === 'admit-account') return this.#limits.admitsPerAccount
    return this.#limits.passwordPerAddress
  }

  /** Counts one attempt; throws AUTH_RATE_LIMITED when the bucket is over its limit this window. */
  async attempt (bucket: AttemptBucket, id: string): Promise<void> {
    const window = Math.floor(this.#clock.now() / this.#limits.windowMs)
    const key = `rate:${bucket}:${id}:${window}`
    let count: number
    try {
      count = await this.#store.increment(key, this.#limits.windowMs)
    } catch (err) {
      if (!hasCode(err, 'AUTH_STORE_UNAVAILABLE')) throw err
      if (window !== this.#localWindow) {
        this.#localCounts.clear()
        this.#localWindow = window
      }
      count = (this.#localCounts.get(key) ?? 0) + 1
      this.#localCounts.set(key, count)
    }
    if (count > this.#limitOf(bucket)) throw new TesseraError('AUTH_RATE_LIMITED', `${bucket} ${id}`)
  }

  /** Throws AUTH_LOCKED_OUT while the account is locked. */
  async checkLockout (uuid: string): Promise<FailureState> {
    let state: FailureState
    try {
      state = await this.#store.getFailures(uuid)
    } catch (err) {
      if (!hasCode(err, 'AUTH_STORE_UNAVAILABLE')) throw err
      state = { failures: 0, lockedUntil: 0 }
    }
    const local = this.#localFailures.get(uuid)
    if (local !== undefined) state = { failures: Math.max(state.failures, local.failures), lockedUntil: Math.max(state.lockedUntil, local.lockedUntil) }
    this.#throwIfLocked(state)
    return state
  }

  #throwIfLocked (state: FailureState): void {
    const left = state.lockedUntil - this.#clock.now()
    if (left <= 0) return
    const seconds = Math.ceil(left / 1000)
    const wait = seconds < 60 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`
    // Retry-After tells the gateway how long, so it can say so in the player's words.
    throw Object.assign(new TesseraError('AUTH_LOCKED_OUT', `try again in ${wait}`), { retryAfterS: seconds })
  }

  /** Records a wrong password; throws AUTH_LOCKED_OUT if it locked the account, else AUTH_WRONG_PASSWORD. */
  async wrongPassword (uuid: string): Promise<never> {
    const lockUntil = this.#clock.now() + this.#limits.lockoutMs
    let state: FailureState
    try {
      state = await this.#store.recordFailure(uuid, this.#limits.lockoutAttempts, lockUntil, this.#limits.lockoutMs)
    } catch (err) {
      if (!hasCode(err, 'AUTH_STORE_UNAVAILABLE')) throw err
      const local = this.#localFailures.get(uuid) ?? { failures: 0, lockedUntil: 0 }
      const failures = local.failures + 1
      state = failures >= this.#limits.lockoutAttempts ? { failures: 0, lockedUntil: lockUntil } : { failures, lockedUntil: local.lockedUntil }
      this.#localFailures.set(uuid, state)
      this.#log.warn({ uuid }, 'wrong password counted locally: store unavailable')
    }
    this.#throwIfLocked(state)
    throw new TesseraError('AUTH_WRONG_PASSWORD')
  }

  /** The right password: forget earlier failures (best effort; a stale count only delays a lockout reset). */
  async rightPassword (uuid: string, state: FailureState): Promise<void> {
    this.#localFailures.delete(uuid)
    if (state.failures === 0 && state.lockedUntil === 0) return
    try {
      await this.#store.clearFailures(uuid)
    } catch (err) {
      if (!hasCode(err, 'AUTH_STORE_UNAVAILABLE')) throw err
      this.#log.warn({ uuid }, 'could not clear wrong-password count: store unavailable')
    }
  }
}

/**
 * Sessions admitted while the store's primary was down (AUTH_FAILOVER_ADMIT=provisional).
 * They live in this replica until a primary answers; then each is claimed with the duplicate
 * policy applied after the fact: kick-old revokes the older session as usual, refuse-new
 * revokes the provisional one if another session won meanwhile. One-session-per-account is
 * therefore eventually enforced, with the failover window as the only overlap.
 */
import { ErrorCodes, hasCode } from '#shared/errors.ts'
import type { Logger } from '#shared/logger.ts'
import type { Clock } from './clock.ts'
import type { DuplicateLoginPolicy } from './config.ts'
import type { AuthStore, SessionRecord } from './store/auth-store.ts'

interface Pending {
  readonly session: SessionRecord
  lastSeen: number
}

/** How often pending sessions are retried against the store. */
const RECONCILE_INTERVAL_MS = 200

/** This replica's not-yet-stored sessions. */
export class ProvisionalSessions {
  readonly #pending = new Map<string, Pending>()
  readonly #store: AuthStore
  readonly #clock: Clock
  readonly #policy: DuplicateLoginPolicy
  readonly #ttlMs: number
  readonly #log: Logger
  #admitted = 0
  #timer: NodeJS.Timeout | null = null
  #running: Promise<void> | null = null

  constructor (store: AuthStore, clock: Clock, policy: DuplicateLoginPolicy, ttlMs: number, log: Logger) {
    this.#store = store
    this.#clock = clock
    this.#policy = policy
    this.#ttlMs = ttlMs
    this.#log = log
  }

  /** Number of sessions waiting for the store. */
  get size (): number {
    return this.#pending.size
  }

  /** Sessions admitted provisionally since start. */
  get admitted (): number {
    return this.#admitted
  }

  /** Keeps a session admitted without the store; reconciles it in the background. */
  add (session: SessionRecord): void {
    this.#admitted++
    this.#pending.set(session.sessionId, { session, lastSeen: this.#clock.now() })
    this.#log.warn({ uuid: session.uuid, sessionId: session.sessionId }, 'session admitted provisionally: store primary unavailable')
    this.#timer ??= setInterval(() => { this.#tick() }, RECONCILE_INTERVAL_MS).unref()
  }

  /** Heartbeat: keeps these pending sessions alive; returns how many were pending here. */
  touch (sessionIds: readonly string[]): number {
    let count = 0
    for (const id of sessionIds) {
      const pending = this.#pending.get(id)
      if (pending === undefined) continue
      pending.lastSeen = this.#clock.now()
      count++
    }
    return count
  }

  /** Release: forgets the session if it is pending here. */
  drop (uuid: string, sessionId: string): boolean {
    const pending = this.#pending.get(sessionId)
    if (pending?.session.uuid !== uuid) return false
    this.#pending.delete(sessionId)
    return true
  }

  #tick (): void {
    if (this.#running !== null) return
    this.#running = this.reconcile().finally(() => { this.#running = null })
  }

  /** Tries to store every pending session once. */
  async reconcile (): Promise<void> {
    for (const [id, pending] of [...this.#pending]) {
      if (this.#clock.now() - pending.lastSeen > this.#ttlMs) {
        this.#pending.delete(id)
        continue
      }
      try {
        const result = await this.#store.claimSession(pending.session, this.#policy, this.#ttlMs, ErrorCodes.AUTH_DUPLICATE_LOGIN)
        if (!result.claimed) {
          await this.#store.publish({ type: 'SessionRevoked', uuid: pending.session.uuid, sessionId: id, reason: ErrorCodes.AUTH_ALREADY_ONLINE })
        }
        this.#pending.delete(id)
        this.#log.info({ uuid: pending.session.uuid, sessionId: id, kept: result.claimed }, 'provisional session reconciled')
      } catch (err) {
        if (!hasCode(err, 'AUTH_STORE_UNAVAILABLE')) this.#log.error({ err, sessionId: id }, 'provisional session reconcile failed')
        return
      }
    }
    if (this.#pending.size === 0 && this.#timer !== null) {
      clearInterval(this.#timer)
      this.#timer = null
    }
  }

  /** Stops the background retries (pending sessions are dropped; their TTL would end them anyway). */
  async stop (): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer)
    this.#timer = null
    await this.#running
  }
}

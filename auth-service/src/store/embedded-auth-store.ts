/**
 * AuthStore on Node's built-in SQLite (`${TESSERA_DATA_DIR}/auth.sqlite`) with an in-process
 * emitter for events: the embedded mode of design decision 11. One process holds the file, so
 * every method is atomic by construction (node:sqlite runs synchronously) and "durable" means
 * committed with synchronous=FULL.
 */
import { EventEmitter } from 'node:events'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import type { AuthEvent, Ban } from '#shared/auth-api.ts'
import { systemClock, type Clock } from '../clock.ts'
import {
  banKey, bannedEvent,
  type AccountRecord, type AdmissionFacts, type AdmissionQuery, type AuthStore, type ClaimResult,
  type CreateAccountResult, type FailureState, type ReplaceAccountResult, type SessionRecord
} from './auth-store.ts'

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS sessions (
    uuid TEXT PRIMARY KEY, session_id TEXT NOT NULL UNIQUE, username TEXT NOT NULL,
    gateway_id TEXT NOT NULL, address TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE IF NOT EXISTS bans (key TEXT PRIMARY KEY, ban TEXT NOT NULL) STRICT;
  CREATE TABLE IF NOT EXISTS names (list TEXT NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (list, key)) STRICT;
  CREATE TABLE IF NOT EXISTS players (key TEXT PRIMARY KEY, uuid TEXT NOT NULL) STRICT;
  CREATE TABLE IF NOT EXISTS accounts (uuid TEXT PRIMARY KEY, record TEXT NOT NULL) STRICT;
  CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at INTEGER NOT NULL) STRICT;
  CREATE TABLE IF NOT EXISTS failures (uuid TEXT PRIMARY KEY, failures INTEGER NOT NULL, locked_until INTEGER NOT NULL, expires_at INTEGER NOT NULL) STRICT;
`

interface SessionRow {
  uuid: string
  session_id: string
  username: string
  gateway_id: string
  address: string
  created_at: number
  expires_at: number
}

function toSession (row: SessionRow): SessionRecord {
  return { sessionId: row.session_id, uuid: row.uuid, username: row.username, gatewayId: row.gateway_id, address: row.address, createdAt: row.created_at }
}

/** Options of the embedded store. */
export interface EmbeddedAuthStoreOptions {
  /** Database file, or `:memory:`. */
  readonly path: string
  readonly clock?: Clock
}

/** The embedded AuthStore. */
export class EmbeddedAuthStore implements AuthStore {
  readonly #path: string
  readonly #clock: Clock
  readonly #events = new EventEmitter()
  #db: DatabaseSync | null = null

  constructor (options: EmbeddedAuthStoreOptions) {
    this.#path = options.path
    this.#clock = options.clock ?? systemClock
    this.#events.setMaxListeners(0)
  }

  get #open (): DatabaseSync {
    if (this.#db === null) throw new Error('EmbeddedAuthStore is not open')
    return this.#db
  }

  async open (): Promise<void> {
    await Promise.resolve()
    if (this.#path !== ':memory:') mkdirSync(dirname(this.#path), { recursive: true })
    const db = new DatabaseSync(this.#path)
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;')
    db.exec(SCHEMA)
    this.#db = db
  }

  isWritable (): boolean {
    return this.#db !== null
  }

  /** Runs fn in one transaction: all or nothing. */
  #transaction<T> (fn: (db: DatabaseSync) => T): T {
    const db = this.#open
    db.exec('BEGIN IMMEDIATE')
    try {
      const result = fn(db)
      db.exec('COMMIT')
      return result
    } catch (err) {
      db.exec('ROLLBACK')
      throw err
    }
  }

  #liveSession (db: DatabaseSync, uuid: string): SessionRecord | null {
    const row = db.prepare('SELECT * FROM sessions WHERE uuid = ? AND expires_at > ?').get(uuid, this.#clock.now()) as SessionRow | undefined
    return row === undefined ? null : toSession(row)
  }

  async readAdmission (query: AdmissionQuery): Promise<AdmissionFacts> {
    await Promise.resolve()
    const db = this.#open
    const keys = [banKey('uuid', query.uuid), banKey('name', query.username), banKey('address', query.address)]
    const bans = (db.prepare('SELECT ban FROM bans WHERE key IN (?, ?, ?)').all(...keys) as Array<{ ban: string }>).map((row) => JSON.parse(row.ban) as Ban)
    const account = db.prepare('SELECT record FROM accounts WHERE uuid = ?').get(query.uuid) as { record: string } | undefined
    return {
      bans,
      whitelisted: this.#hasName('whitelist', query.username),
      op: this.#hasName('ops', query.username),
      account: account === undefined ? null : JSON.parse(account.record) as AccountRecord,
      session: this.#liveSession(db, query.uuid)
    }
  }

  async claimSession (session: SessionRecord, policy: 'kick-old' | 'refuse-new', ttlMs: number, revokeReason: string): Promise<ClaimResult> {
    await Promise.resolve()
    const now = this.#clock.now()
    const result = this.#transaction((db): ClaimResult => {
      const current = this.#liveSession(db, session.uuid)
      if (current !== null && current.sessionId !== session.sessionId && policy === 'refuse-new') return { claimed: false, holder: current }
      db.prepare('DELETE FROM sessions WHERE uuid = ? OR session_id = ?').run(session.uuid, session.sessionId)
      db.prepare('INSERT INTO sessions (uuid, session_id, username, gateway_id, address, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(session.uuid, session.sessionId, session.username, session.gatewayId, session.address, session.createdAt, now + ttlMs)
      return { claimed: true, replaced: current !== null && current.sessionId !== session.sessionId ? current : null }
    })
    if (result.claimed && result.replaced !== null) {
      this.#emit({ type: 'SessionRevoked', uuid: session.uuid, sessionId: result.replaced.sessionId, reason: revokeReason })
    }
    return result
  }

  async releaseSession (uuid: string, sessionId: string): Promise<boolean> {
    await Promise.resolve()
    const result = this.#open.prepare('DELETE FROM sessions WHERE uuid = ? AND session_id = ? AND expires_at > ?').run(uuid, sessionId, this.#clock.now())
    return Number(result.changes) > 0
  }

  async renewSessions (gatewayId: string, sessionIds: readonly string[], ttlMs: number): Promise<number> {
    await Promise.resolve()
    const now = this.#clock.now()
    return this.#transaction((db) => {
      const renew = db.prepare('UPDATE sessions SET expires_at = ? WHERE session_id = ? AND gateway_id = ? AND expires_at > ?')
      let renewed = 0
      for (const id of sessionIds) renewed += Number(renew.run(now + ttlMs, id, gatewayId, now).changes)
      return renewed
    })
  }

  async getSession (uuid: string): Promise<SessionRecord | null> {
    await Promise.resolve()
    return this.#liveSession(this.#open, uuid)
  }

  async addBan (ban: Ban): Promise<void> {
    await Promise.resolve()
    this.#open.prepare('INSERT INTO bans (key, ban) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET ban = excluded.ban')
      .run(banKey(ban.kind, ban.value), JSON.stringify(ban))
    this.#emit(bannedEvent(ban))
  }

  async removeBan (kind: Ban['kind'], value: string): Promise<boolean> {
    await Promise.resolve()
    return Number(this.#open.prepare('DELETE FROM bans WHERE key = ?').run(banKey(kind, value)).changes) > 0
  }

  async listBans (): Promise<Ban[]> {
    await Promise.resolve()
    return (this.#open.prepare('SELECT ban FROM bans ORDER BY key').all() as Array<{ ban: string }>).map((row) => JSON.parse(row.ban) as Ban)
  }

  #hasName (list: string, name: string): boolean {
    return this.#open.prepare('SELECT 1 FROM names WHERE list = ? AND key = ?').get(list, name.toLowerCase()) !== undefined
  }

  #setName (list: string, name: string, enabled: boolean): void {
    if (enabled) {
      this.#open.prepare('INSERT INTO names (list, key, name) VALUES (?, ?, ?) ON CONFLICT (list, key) DO UPDATE SET name = excluded.name').run(list, name.toLowerCase(), name)
    } else {
      this.#open.prepare('DELETE FROM names WHERE list = ? AND key = ?').run(list, name.toLowerCase())
    }
  }

  #listNames (list: string): string[] {
    return (this.#open.prepare('SELECT name FROM names WHERE list = ? ORDER BY key').all(list) as Array<{ name: string }>).map((row) => row.name)
  }

  async setWhitelisted (name: string, enabled: boolean): Promise<void> {
    await Promise.resolve()
    this.#setName('whitelist', name, enabled)
  }

  async isWhitelisted (name: string): Promise<boolean> {
    await Promise.resolve()
    return this.#hasName('whitelist', name)
  }

  async listWhitelist (): Promise<string[]> {
    await Promise.resolve()
    return this.#listNames('whitelist')
  }

  async setOp (name: string, enabled: boolean): Promise<void> {
    await Promise.resolve()
    this.#setName('ops', name, enabled)
  }

  async isOp (name: string): Promise<boolean> {
    await Promise.resolve()
    return this.#hasName('ops', name)
  }

  async listOps (): Promise<string[]> {
    await Promise.resolve()
    return this.#listNames('ops')
  }

  async rememberPlayer (username: string, uuid: string): Promise<void> {
    await Promise.resolve()
    this.#open.prepare('INSERT INTO players (key, uuid) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET uuid = excluded.uuid').run(username.toLowerCase(), uuid)
  }

  async findPlayer (username: string): Promise<string | null> {
    await Promise.resolve()
    const row = this.#open.prepare('SELECT uuid FROM players WHERE key = ?').get(username.toLowerCase()) as { uuid: string } | undefined
    return row?.uuid ?? null
  }

  #account (db: DatabaseSync, uuid: string): AccountRecord | null {
    const row = db.prepare('SELECT record FROM accounts WHERE uuid = ?').get(uuid) as { record: string } | undefined
    return row === undefined ? null : JSON.parse(row.record) as AccountRecord
  }

  async createAccount (account: AccountRecord): Promise<CreateAccountResult> {
    await Promise.resolve()
    return this.#transaction((db): CreateAccountResult => {
      const existing = this.#account(db, account.uuid)
      if (existing !== null) return { created: false, existing }
      db.prepare('INSERT INTO accounts (uuid, record) VALUES (?, ?)').run(account.uuid, JSON.stringify(account))
      return { created: true }
    })
  }

  async replaceAccount (account: AccountRecord, expectedHash: string): Promise<ReplaceAccountResult> {
    await Promise.resolve()
    return this.#transaction((db): ReplaceAccountResult => {
      const current = this.#account(db, account.uuid)
      if (current === null || (current.hash !== expectedHash && current.hash !== account.hash)) return { replaced: false, current }
      db.prepare('UPDATE accounts SET record = ? WHERE uuid = ?').run(JSON.stringify(account), account.uuid)
      return { replaced: true }
    })
  }

  async confirmAccount (_account: AccountRecord): Promise<void> {
    // A committed SQLite row is already durable.
    await Promise.resolve()
  }

  async getAccount (uuid: string): Promise<AccountRecord | null> {
    await Promise.resolve()
    return this.#account(this.#open, uuid)
  }

  async increment (key: string, ttlMs: number): Promise<number> {
    await Promise.resolve()
    const now = this.#clock.now()
    return this.#transaction((db) => {
      db.prepare('DELETE FROM counters WHERE key = ? AND expires_at <= ?').run(key, now)
      const row = db.prepare('INSERT INTO counters (key, count, expires_at) VALUES (?, 1, ?) ON CONFLICT (key) DO UPDATE SET count = count + 1 RETURNING count')
        .get(key, now + ttlMs) as { count: number }
      return row.count
    })
  }

  async getFailures (uuid: string): Promise<FailureState> {
    await Promise.resolve()
    const row = this.#open.prepare('SELECT failures, locked_until FROM failures WHERE uuid = ? AND expires_at > ?').get(uuid, this.#clock.now()) as { failures: number, locked_until: number } | undefined
    return row === undefined ? { failures: 0, lockedUntil: 0 } : { failures: row.failures, lockedUntil: row.locked_until }
  }

  async recordFailure (uuid: string, limit: number, lockUntil: number, ttlMs: number): Promise<FailureState> {
    await Promise.resolve()
    const now = this.#clock.now()
    return this.#transaction((db) => {
      const row = db.prepare('SELECT failures, locked_until FROM failures WHERE uuid = ? AND expires_at > ?').get(uuid, now) as { failures: number, locked_until: number } | undefined
      let failures = (row?.failures ?? 0) + 1
      let lockedUntil = row?.locked_until ?? 0
      if (failures >= limit) {
        failures = 0
        lockedUntil = lockUntil
      }
      db.prepare('INSERT INTO failures (uuid, failures, locked_until, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (uuid) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, expires_at = excluded.expires_at')
        .run(uuid, failures, lockedUntil, Math.max(now + ttlMs, lockedUntil))
      return { failures, lockedUntil }
    })
  }

  async clearFailures (uuid: string): Promise<void> {
    await Promise.resolve()
    this.#open.prepare('DELETE FROM failures WHERE uuid = ?').run(uuid)
  }

  async publish (event: AuthEvent): Promise<void> {
    await Promise.resolve()
    this.#emit(event)
  }

  #emit (event: AuthEvent): void {
    this.#events.emit('event', event)
  }

  subscribe (listener: (event: AuthEvent) => void): () => void {
    this.#events.on('event', listener)
    return () => { this.#events.off('event', listener) }
  }

  async close (): Promise<void> {
    await Promise.resolve()
    this.#events.removeAllListeners()
    this.#db?.close()
    this.#db = null
  }
}

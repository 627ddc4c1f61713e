/**
 * The auth-service's replicated state behind one small interface: sessions, bans, whitelist,
 * ops, accounts, attempt counters and the event channel. Embedded mode uses SQLite and an
 * in-process emitter; distributed mode uses Redis with Sentinel. Both pass the same contract
 * suite (auth-store.contract.ts).
 *
 * Failure model: a method that cannot reach the store rejects with a TesseraError coded
 * AUTH_STORE_UNAVAILABLE. Methods marked "durable" resolve only once the write is confirmed
 * (in Redis: acknowledged by WAIT by the configured number of replicas), and are idempotent so
 * a caller may repeat one whose outcome it does not know.
 */
import type { AuthEvent, Ban } from '#shared/auth-api.ts'

/** A live session: the one gateway connection an account is playing through. */
export interface SessionRecord {
  readonly sessionId: string
  readonly uuid: string
  readonly username: string
  readonly gatewayId: string
  readonly address: string
  readonly createdAt: number
}

/** Outcome of claimSession. */
export type ClaimResult =
  /** The session is now the account's; `replaced` is the session it revoked, if any. */
  | { readonly claimed: true, readonly replaced: SessionRecord | null }
  /** refuse-new: another session holds the account. */
  | { readonly claimed: false, readonly holder: SessionRecord }

/** An offline-mode account: one record, written as a whole. */
export interface AccountRecord {
  readonly uuid: string
  readonly username: string
  /** scrypt hash, base64. */
  readonly hash: string
  /** Per-account random salt, base64. */
  readonly salt: string
  /** scrypt parameters the hash was made with. */
  readonly cost: number
  readonly blockSize: number
  readonly parallelization: number
  readonly keyLength: number
  readonly createdAt: number
  readonly updatedAt: number
}

/** Outcome of createAccount. */
export type CreateAccountResult =
  | { readonly created: true }
  /** An account already exists under the uuid; the caller decides whether it is its own. */
  | { readonly created: false, readonly existing: AccountRecord }

/** Outcome of replaceAccount. */
export type ReplaceAccountResult =
  | { readonly replaced: true }
  /** The stored hash is neither the expected one nor the new one. */
  | { readonly replaced: false, readonly current: AccountRecord | null }

/** Consecutive wrong passwords of an account, and the lockout they caused. */
export interface FailureState {
  readonly failures: number
  /** Milliseconds since the epoch; 0 when not locked. */
  readonly lockedUntil: number
}

/** Everything an admit decision reads, in one round trip. */
export interface AdmissionFacts {
  /** Bans on the uuid, the name or the address, expired ones included (the caller filters). */
  readonly bans: readonly Ban[]
  readonly whitelisted: boolean
  readonly op: boolean
  readonly account: AccountRecord | null
  /** The account's current session, when the store knows one. */
  readonly session: SessionRecord | null
}

/** Who an admit is for. */
export interface AdmissionQuery {
  readonly uuid: string
  readonly username: string
  readonly address: string
}

/** The auth-service's shared state. */
export interface AuthStore {
  /** Prepares the store (connections, schema, event subscription). */
  open (): Promise<void>
  /** True while writes can reach the primary. */
  isWritable (): boolean

  /** Reads that an admit needs. Available during a failover (may be slightly stale). */
  readAdmission (query: AdmissionQuery): Promise<AdmissionFacts>

  /**
   * Atomically makes `session` the account's one session, with a TTL. An existing different
   * session is replaced (kick-old: SessionRevoked is published with `revokeReason` in the same
   * atomic step) or kept (refuse-new). Claiming the same sessionId again only renews it.
   */
  claimSession (session: SessionRecord, policy: 'kick-old' | 'refuse-new', ttlMs: number, revokeReason: string): Promise<ClaimResult>
  /** Deletes the account's session only if it is still `sessionId` (compare-and-delete). */
  releaseSession (uuid: string, sessionId: string): Promise<boolean>
  /** Renews the TTL of those sessions that are held by `gatewayId`; returns how many. */
  renewSessions (gatewayId: string, sessionIds: readonly string[], ttlMs: number): Promise<number>
  /** The account's live session, or null. */
  getSession (uuid: string): Promise<SessionRecord | null>

  /** Durable. Adds or replaces the ban on (kind, value) and publishes PlayerBanned. */
  addBan (ban: Ban): Promise<void>
  /** Durable. Lifts the ban on (kind, value); false when there was none. */
  removeBan (kind: Ban['kind'], value: string): Promise<boolean>
  /** Every ban, expired ones included. */
  listBans (): Promise<Ban[]>

  /** Durable. Adds or removes a name (case-insensitive, the given spelling is kept). */
  setWhitelisted (name: string, enabled: boolean): Promise<void>
  isWhitelisted (name: string): Promise<boolean>
  listWhitelist (): Promise<string[]>

  /** Durable. Adds or removes an op by name (case-insensitive). */
  setOp (name: string, enabled: boolean): Promise<void>
  isOp (name: string): Promise<boolean>
  listOps (): Promise<string[]>

  /** Remembers the uuid last seen under a name (best effort, for OpChanged). */
  rememberPlayer (username: string, uuid: string): Promise<void>
  /** The uuid last seen under a name, or null. */
  findPlayer (username: string): Promise<string | null>

  /** Durable. Writes the account only if none exists under its uuid. */
  createAccount (account: AccountRecord): Promise<CreateAccountResult>
  /** Durable. Replaces the account if its stored hash is `expectedHash` (or already `account.hash`). */
  replaceAccount (account: AccountRecord, expectedHash: string): Promise<ReplaceAccountResult>
  /** Durable. Re-confirms an existing account whose earlier write had an unknown outcome. */
  confirmAccount (account: AccountRecord): Promise<void>
  /** The account, or null. Available during a failover (may be slightly stale). */
  getAccount (uuid: string): Promise<AccountRecord | null>

  /** Adds one to a counter that disappears after ttlMs; returns the new count. */
  increment (key: string, ttlMs: number): Promise<number>
  /** The account's wrong-password state. Available during a failover. */
  getFailures (uuid: string): Promise<FailureState>
  /** Records one wrong password; when it reaches `limit`, locks until `lockUntil` and restarts the count. */
  recordFailure (uuid: string, limit: number, lockUntil: number, ttlMs: number): Promise<FailureState>
  /** Forgets the account's wrong passwords. */
  clearFailures (uuid: string): Promise<void>

  /** Sends an event to every replica's subscribers (at most once, no history). */
  publish (event: AuthEvent): Promise<void>
  /** Calls listener for every event published by any replica; returns the unsubscribe. */
  subscribe (listener: (event: AuthEvent) => void): () => void

  /** Releases connections; no call may follow. */
  close (): Promise<void>
}

/** Canonical key of a ban: kind plus the lower-cased value. */
export function banKey (kind: Ban['kind'], value: string): string {
  return `${kind}:${value.toLowerCase()}`
}

/** The PlayerBanned event a new ban publishes. */
export function bannedEvent (ban: Ban): AuthEvent {
  const target = ban.kind === 'uuid' ? { uuid: ban.value } : ban.kind === 'name' ? { username: ban.value } : { address: ban.value }
  return { type: 'PlayerBanned', ...target, reason: ban.reason }
}

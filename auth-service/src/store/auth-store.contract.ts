/**
 * The AuthStore contract: the embedded and the Redis store run this same suite, so either can
 * back the service (design decision 11, STYLE rule 13).
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import type { AuthEvent, Ban } from '#shared/auth-api.ts'
import type { AccountRecord, AuthStore, SessionRecord } from './auth-store.ts'

/** A fresh, opened, empty store and how to dispose of it. */
export interface ContractStore {
  readonly store: AuthStore
  cleanup (): Promise<void>
}

const UUID = '00000000-0000-4000-8000-00000000a11c'
const OTHER = '00000000-0000-4000-8000-0000000000b0'

function session (sessionId: string, gatewayId = 'gw-1', uuid = UUID): SessionRecord {
  return { sessionId, uuid, username: 'Alice', gatewayId, address: '10.0.0.1', createdAt: 1000 }
}

function account (hash: string): AccountRecord {
  return { uuid: UUID, username: 'Alice', hash, salt: 'c2FsdA==', cost: 1024, blockSize: 8, parallelization: 1, keyLength: 32, createdAt: 1, updatedAt: 2 }
}

/** Resolves with the first event matching predicate, or rejects after timeoutMs. */
export async function nextEvent (store: AuthStore, predicate: (event: AuthEvent) => boolean, timeoutMs = 2000): Promise<AuthEvent> {
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { unsubscribe(); reject(new Error('no matching event in time')) }, timeoutMs)
    const unsubscribe = store.subscribe((event) => {
      if (!predicate(event)) return
      clearTimeout(timer)
      unsubscribe()
      resolve(event)
    })
  })
}

/** Polls check every 25 ms until it holds, failing after timeoutMs (a bounded wait, not a sleep). */
export async function eventually (what: string, check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** Registers the AuthStore contract tests for one implementation. */
export function runAuthStoreContract (name: string, makeStore: () => Promise<ContractStore>): void {
  const withStore = (title: string, fn: (store: AuthStore) => Promise<void>): void => {
    void it(title, async () => {
      const made = await makeStore()
      try {
        await fn(made.store)
      } finally {
        await made.cleanup()
      }
    })
  }

  void describe(`AuthStore contract: ${name}`, () => {
    withStore('knows nothing about a new player', async (store) => {
      const facts = await store.readAdmission({ uuid: UUID, username: 'Alice', address: '10.0.0.1' })
      assert.deepEqual(facts, { bans: [], whitelisted: false, op: false, account: null, session: null })
      assert.equal(store.isWritable(), true)
    })

    withStore('finds bans by uuid, name (any case) and address, and lifts them', async (store) => {
      const bans: Ban[] = [
        { kind: 'uuid', value: UUID, reason: 'griefing', createdAt: 5 },
        { kind: 'name', value: 'alice', reason: 'spam', expiresAt: 9_000_000_000_000, createdAt: 6 },
        { kind: 'address', value: '10.0.0.1', reason: 'bots', createdAt: 7 }
      ]
      for (const ban of bans) await store.addBan(ban)
      const facts = await store.readAdmission({ uuid: UUID, username: 'ALICE', address: '10.0.0.1' })
      assert.deepEqual([...facts.bans].sort((a, b) => a.createdAt - b.createdAt), bans)
      assert.equal((await store.listBans()).length, 3)
      assert.equal(await store.removeBan('name', 'ALICE'), true)
      assert.equal(await store.removeBan('name', 'alice'), false)
      assert.equal((await store.readAdmission({ uuid: OTHER, username: 'Alice', address: '10.0.0.2' })).bans.length, 0)
    })

    withStore('publishes PlayerBanned when a ban is added', async (store) => {
      const event = nextEvent(store, (e) => e.type === 'PlayerBanned')
      await store.addBan({ kind: 'name', value: 'Alice', reason: 'spam', createdAt: 1 })
      assert.deepEqual(await event, { type: 'PlayerBanned', username: 'Alice', reason: 'spam' })
    })

    withStore('keeps whitelist and ops case-insensitively, with the given spelling', async (store) => {
      await store.setWhitelisted('Alice', true)
      await store.setOp('BoB_1', true)
      assert.equal(await store.isWhitelisted('alice'), true)
      assert.equal(await store.isOp('bob_1'), true)
      assert.deepEqual(await store.listWhitelist(), ['Alice'])
      assert.deepEqual(await store.listOps(), ['BoB_1'])
      const facts = await store.readAdmission({ uuid: UUID, username: 'ALICE', address: '10.0.0.1' })
      assert.equal(facts.whitelisted, true)
      assert.equal(facts.op, false)
      await store.setWhitelisted('ALICE', false)
      await store.setOp('bob_1', false)
      assert.deepEqual(await store.listWhitelist(), [])
      assert.equal(await store.isOp('BoB_1'), false)
    })

    withStore('claims one session per account: kick-old replaces and publishes SessionRevoked', async (store) => {
      assert.deepEqual(await store.claimSession(session('s1'), 'kick-old', 10_000, 'dup'), { claimed: true, replaced: null })
      const revoked = nextEvent(store, (e) => e.type === 'SessionRevoked')
      assert.deepEqual(await store.claimSession(session('s2', 'gw-2'), 'kick-old', 10_000, 'dup'), { claimed: true, replaced: session('s1') })
      assert.deepEqual(await revoked, { type: 'SessionRevoked', uuid: UUID, sessionId: 's1', reason: 'dup' })
      assert.deepEqual(await store.getSession(UUID), session('s2', 'gw-2'))
      assert.deepEqual((await store.readAdmission({ uuid: UUID, username: 'Alice', address: '10.0.0.1' })).session, session('s2', 'gw-2'))
    })

    withStore('claims one session per account: refuse-new keeps the holder', async (store) => {
      await store.claimSession(session('s1'), 'refuse-new', 10_000, 'dup')
      assert.deepEqual(await store.claimSession(session('s2', 'gw-2'), 'refuse-new', 10_000, 'dup'), { claimed: false, holder: session('s1') })
      assert.deepEqual(await store.claimSession(session('s1'), 'refuse-new', 10_000, 'dup'), { claimed: true, replaced: null })
      assert.deepEqual(await store.claimSession(session('s3', 'gw-1', OTHER), 'refuse-new', 10_000, 'dup'), { claimed: true, replaced: null })
    })

    withStore('releases a session only if it is still the same one', async (store) => {
      await store.claimSession(session('s1'), 'kick-old', 10_000, 'dup')
      await store.claimSession(session('s2'), 'kick-old', 10_000, 'dup')
      assert.equal(await store.releaseSession(UUID, 's1'), false)
      assert.notEqual(await store.getSession(UUID), null)
      assert.equal(await store.releaseSession(UUID, 's2'), true)
      assert.equal(await store.getSession(UUID), null)
      assert.equal(await store.releaseSession(UUID, 's2'), false)
    })

    withStore('renews only the sessions the gateway holds, and lets the others expire', async (store) => {
      await store.claimSession(session('s1', 'gw-1'), 'kick-old', 400, 'dup')
      await store.claimSession(session('s2', 'gw-2', OTHER), 'kick-old', 400, 'dup')
      assert.equal(await store.renewSessions('gw-1', ['s1', 's2', 'nope'], 10_000), 1)
      await eventually('the unrenewed session to expire', async () => await store.getSession(OTHER) === null)
      assert.notEqual(await store.getSession(UUID), null)
      assert.equal(await store.renewSessions('gw-2', ['s2'], 10_000), 0)
    })

    withStore('creates an account once, and replaces it only from the expected hash', async (store) => {
      assert.deepEqual(await store.createAccount(account('h1')), { created: true })
      assert.deepEqual(await store.createAccount(account('other')), { created: false, existing: account('h1') })
      assert.deepEqual(await store.getAccount(UUID), account('h1'))
      assert.deepEqual(await store.replaceAccount(account('h2'), 'wrong'), { replaced: false, current: account('h1') })
      assert.deepEqual(await store.replaceAccount(account('h2'), 'h1'), { replaced: true })
      // A retry of the same change finds its own hash and succeeds again.
      assert.deepEqual(await store.replaceAccount(account('h2'), 'h1'), { replaced: true })
      await store.confirmAccount(account('h2'))
      assert.deepEqual(await store.getAccount(UUID), account('h2'))
      assert.equal((await store.readAdmission({ uuid: UUID, username: 'Alice', address: '10.0.0.1' })).account?.hash, 'h2')
      assert.deepEqual(await store.replaceAccount({ ...account('h3'), uuid: OTHER }, 'h1'), { replaced: false, current: null })
    })

    withStore('counts attempts per key', async (store) => {
      assert.equal(await store.increment('rate:a', 10_000), 1)
      assert.equal(await store.increment('rate:a', 10_000), 2)
      assert.equal(await store.increment('rate:b', 10_000), 1)
    })

    withStore('locks an account at the failure limit and restarts the count', async (store) => {
      assert.deepEqual(await store.getFailures(UUID), { failures: 0, lockedUntil: 0 })
      assert.deepEqual(await store.recordFailure(UUID, 3, 1_900_000_000_000, 60_000), { failures: 1, lockedUntil: 0 })
      assert.deepEqual(await store.recordFailure(UUID, 3, 1_900_000_000_000, 60_000), { failures: 2, lockedUntil: 0 })
      assert.deepEqual(await store.recordFailure(UUID, 3, 1_900_000_000_000, 60_000), { failures: 0, lockedUntil: 1_900_000_000_000 })
      assert.deepEqual(await store.getFailures(UUID), { failures: 0, lockedUntil: 1_900_000_000_000 })
      await store.clearFailures(UUID)
      assert.deepEqual(await store.getFailures(UUID), { failures: 0, lockedUntil: 0 })
    })

    withStore('remembers the uuid last seen under a name', async (store) => {
      assert.equal(await store.findPlayer('alice'), null)
      await store.rememberPlayer('Alice', UUID)
      assert.equal(await store.findPlayer('ALICE'), UUID)
    })

    withStore('delivers published events to subscribers until they unsubscribe', async (store) => {
      const seen: AuthEvent[] = []
      const unsubscribe = store.subscribe((event) => { seen.push(event) })
      const marker = randomUUID()
      const first = nextEvent(store, (e) => e.type === 'SessionRevoked' && e.sessionId === marker)
      await store.publish({ type: 'SessionRevoked', uuid: UUID, sessionId: marker, reason: 'x' })
      await first
      unsubscribe()
      const second = nextEvent(store, (e) => e.type === 'OpChanged')
      await store.publish({ type: 'OpChanged', uuid: UUID, op: true })
      await second
      assert.deepEqual(seen, [{ type: 'SessionRevoked', uuid: UUID, sessionId: marker, reason: 'x' }])
    })
  })
}

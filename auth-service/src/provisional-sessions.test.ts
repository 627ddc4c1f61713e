/**
 * Admits while the store cannot take session writes (a failover): AUTH_FAILOVER_ADMIT decides,
 * and provisional sessions are written with the duplicate policy once the store is back.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AuthPaths, type AdmitResponse, type AuthEvent } from '#shared/auth-api.ts'
import { ErrorCodes, TesseraError } from '#shared/errors.ts'
import { createLogger } from '#shared/logger.ts'
import { ManualClock } from './clock.ts'
import { readAuthConfig } from './config.ts'
import { createAuthService, type AuthService } from './create-auth-service.ts'
import { eventually } from './store/auth-store.contract.ts'
import type { ClaimResult, SessionRecord } from './store/auth-store.ts'
import { EmbeddedAuthStore } from './store/embedded-auth-store.ts'

const ALICE = { username: 'Alice', uuid: '00000000-0000-4000-8000-00000000a11c', address: '10.0.0.1' }

/** An embedded store whose session writes fail while `down` (reads keep working, as from a replica). */
class PrimaryDownStore extends EmbeddedAuthStore {
  down = false

  override async claimSession (session: SessionRecord, policy: 'kick-old' | 'refuse-new', ttlMs: number, revokeReason: string): Promise<ClaimResult> {
    if (this.down) throw new TesseraError('AUTH_STORE_UNAVAILABLE', 'primary down (test)')
    return await super.claimSession(session, policy, ttlMs, revokeReason)
  }

  /** Another replica's write, which reached the store regardless. */
  async claimDirectly (session: SessionRecord): Promise<ClaimResult> {
    return await super.claimSession(session, 'kick-old', 30_000, 'x')
  }

  override isWritable (): boolean {
    return !this.down && super.isWritable()
  }
}

async function withService (env: Record<string, string>, fn: (service: AuthService, store: PrimaryDownStore, events: AuthEvent[]) => Promise<void>): Promise<void> {
  const clock = new ManualClock()
  const store = new PrimaryDownStore({ path: ':memory:', clock })
  const service = createAuthService(readAuthConfig({ AUTH_PORT: '0', AUTH_ADMIN_TOKEN: 'provisional-test-token', ...env }), { logger: createLogger('auth-service', { level: 'silent' }), store, clock })
  await service.start()
  const events: AuthEvent[] = []
  store.subscribe((event) => { events.push(event) })
  try {
    await fn(service, store, events)
  } finally {
    await service.stop()
  }
}

async function admit (service: AuthService, gatewayId: string): Promise<{ status: number, body: any }> {
  const response = await service.inject({ method: 'POST', url: AuthPaths.admit, payload: { ...ALICE, gatewayId } })
  return { status: response.statusCode, body: response.json() }
}

void describe('admit while the store primary is down', () => {
  void it('provisional + kick-old: admits, then stores the session and revokes the older one', async () => {
    await withService({ AUTH_DUPLICATE_LOGIN: 'kick-old' }, async (service, store, events) => {
      const first = (await admit(service, 'gw-1')).body as AdmitResponse
      assert.ok(first.admitted)
      store.down = true
      const second = (await admit(service, 'gw-2')).body as AdmitResponse
      assert.ok(second.admitted, JSON.stringify(second))
      assert.deepEqual(service.provisionalSessions(), { pending: 1, admitted: 1 })
      assert.equal((await store.getSession(ALICE.uuid))?.sessionId, first.sessionId)
      store.down = false
      await eventually('the provisional session to be stored', async () => (await store.getSession(ALICE.uuid))?.sessionId === second.sessionId)
      assert.deepEqual(events, [{ type: 'SessionRevoked', uuid: ALICE.uuid, sessionId: first.sessionId, reason: ErrorCodes.AUTH_DUPLICATE_LOGIN }])
      assert.equal(service.provisionalSessions().pending, 0)
    })
  })

  void it('provisional + refuse-new: refuses when a replica shows a session, and revokes a provisional one that lost', async () => {
    await withService({ AUTH_DUPLICATE_LOGIN: 'refuse-new' }, async (service, store, events) => {
      store.down = true
      const provisional = (await admit(service, 'gw-1')).body as AdmitResponse
      assert.ok(provisional.admitted)
      // Meanwhile another replica's admit of the same account reached the store first.
      await store.claimDirectly({ sessionId: 'other', uuid: ALICE.uuid, username: 'Alice', gatewayId: 'gw-9', address: ALICE.address, createdAt: 1 })
      const refused = (await admit(service, 'gw-2')).body as AdmitResponse
      assert.ok(!refused.admitted && refused.code === 'AUTH_ALREADY_ONLINE')
      store.down = false
      await eventually('the losing provisional session to be revoked', async () => {
        await Promise.resolve()
        return events.length > 0
      })
      assert.deepEqual(events, [{ type: 'SessionRevoked', uuid: ALICE.uuid, sessionId: provisional.sessionId, reason: ErrorCodes.AUTH_ALREADY_ONLINE }])
      assert.equal((await store.getSession(ALICE.uuid))?.sessionId, 'other')
    })
  })

  void it('a released provisional session is never written', async () => {
    await withService({}, async (service, store) => {
      store.down = true
      const admitted = (await admit(service, 'gw-1')).body as AdmitResponse
      assert.ok(admitted.admitted)
      const release = await service.inject({ method: 'POST', url: AuthPaths.release, payload: { uuid: ALICE.uuid, sessionId: admitted.sessionId } })
      assert.deepEqual(release.json(), { released: true })
      store.down = false
      assert.equal(service.provisionalSessions().pending, 0)
      assert.equal(await store.getSession(ALICE.uuid), null)
    })
  })

  void it('refuse: answers 503 AUTH_STORE_UNAVAILABLE ("try again in a moment")', async () => {
    await withService({ AUTH_FAILOVER_ADMIT: 'refuse' }, async (service, store) => {
      store.down = true
      const response = await admit(service, 'gw-1')
      assert.equal(response.status, 503)
      assert.equal(response.body.error, 'AUTH_STORE_UNAVAILABLE')
      assert.match(response.body.message, /try again in a moment/)
      assert.deepEqual((await service.inject({ method: 'GET', url: AuthPaths.health })).json(), { ok: true, store: false })
    })
  })
})

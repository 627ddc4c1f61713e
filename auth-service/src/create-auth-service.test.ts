/**
 * The HTTP API through fastify inject() over the embedded store, with a manual clock so TTLs,
 * ban expiry, rate-limit windows and lockouts are stepped over instead of waited for.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AuthPaths, type AdmitResponse, type AuthEvent } from '#shared/auth-api.ts'
import { ErrorCodes } from '#shared/errors.ts'
import { createLogger } from '#shared/logger.ts'
import { ManualClock } from './clock.ts'
import { readAuthConfig } from './config.ts'
import { createAuthService, type AuthService } from './create-auth-service.ts'
import { eventually } from './store/auth-store.contract.ts'
import { EmbeddedAuthStore } from './store/embedded-auth-store.ts'
import { openEventStream } from './testing/event-stream-client.ts'

const TOKEN = 'test-admin-token-0123456789'
const ALICE = { username: 'Alice', uuid: '00000000-0000-4000-8000-00000000a11c', address: '10.0.0.1', gatewayId: 'gw-1' }
const BOB = { username: 'Bob', uuid: '00000000-0000-4000-8000-0000000000b0', address: '10.0.0.2', gatewayId: 'gw-1' }

interface Harness {
  readonly service: AuthService
  readonly store: EmbeddedAuthStore
  readonly clock: ManualClock
  readonly url: string
  post (url: string, body: unknown, token?: string): Promise<{ status: number, body: any }>
  admit (player: typeof ALICE, gatewayId?: string): Promise<AdmitResponse>
  admin (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<{ status: number, body: any }>
  events (): AuthEvent[]
}

async function withService (env: Record<string, string>, fn: (h: Harness) => Promise<void>): Promise<void> {
  const clock = new ManualClock()
  const config = readAuthConfig({ AUTH_PORT: '0', AUTH_ADMIN_TOKEN: TOKEN, AUTH_SCRYPT_COST: '1024', ...env })
  const store = new EmbeddedAuthStore({ path: ':memory:', clock })
  const service = createAuthService(config, { logger: createLogger('auth-service', { level: 'silent' }), store, clock })
  const { url } = await service.start()
  const seen: AuthEvent[] = []
  store.subscribe((event) => { seen.push(event) })
  const request = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, token?: string): Promise<{ status: number, body: any }> => {
    const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` }
    const response = await service.inject({ method, url: path, headers, ...(body === undefined ? {} : { payload: body as object }) })
    return { status: response.statusCode, body: response.body === '' ? undefined : response.json() }
  }
  try {
    await fn({
      service,
      store,
      clock,
      url,
      post: async (path, body, token) => await request('POST', path, body, token),
      admit: async (player, gatewayId) => {
        const response = await request('POST', AuthPaths.admit, { ...player, ...(gatewayId === undefined ? {} : { gatewayId }) })
        assert.equal(response.status, 200, JSON.stringify(response.body))
        return response.body as AdmitResponse
      },
      admin: async (method, path, body) => await request(method, path, body, TOKEN),
      events: () => seen
    })
  } finally {
    await service.stop()
  }
}

function sessionIdOf (response: AdmitResponse): string {
  assert.equal(response.admitted, true, JSON.stringify(response))
  return response.admitted ? response.sessionId : ''
}

void describe('admit', () => {
  void it('admits a valid player with a session, not op, no password needed', async () => {
    await withService({}, async (h) => {
      const response = await h.admit(ALICE)
      assert.equal(response.admitted, true)
      assert.ok(response.admitted && response.sessionId.length > 10)
      assert.ok(response.admitted && !response.op && response.needsPassword === 'none')
      assert.equal((await h.store.getSession(ALICE.uuid))?.gatewayId, 'gw-1')
    })
  })

  void it('answers 400 AUTH_BAD_REQUEST for a bad username, uuid, address or gateway id', async () => {
    await withService({}, async (h) => {
      for (const bad of [{ username: 'a b' }, { username: 'x'.repeat(17) }, { uuid: 'nope' }, { address: 'here' }, { gatewayId: '' }]) {
        const response = await h.post(AuthPaths.admit, { ...ALICE, ...bad })
        assert.equal(response.status, 400, JSON.stringify(bad))
        assert.equal(response.body.error, 'AUTH_BAD_REQUEST')
      }
      const notJson = await h.service.inject({ method: 'POST', url: AuthPaths.admit, headers: { 'content-type': 'application/json' }, payload: '{' })
      assert.equal(notJson.statusCode, 400)
      assert.equal(notJson.json().error, 'AUTH_BAD_REQUEST')
    })
  })

  void it('refuses a player banned by name, uuid or address with the ban reason', async () => {
    await withService({}, async (h) => {
      const cases = [
        { kind: 'name', value: 'ALICE', reason: 'griefing' },
        { kind: 'uuid', value: ALICE.uuid.replaceAll('-', '').toUpperCase(), reason: 'duping' },
        { kind: 'address', value: '::ffff:10.0.0.1', reason: 'bots' }
      ]
      for (const ban of cases) {
        assert.equal((await h.admin('POST', AuthPaths.bans, ban)).status, 201)
        const response = await h.admit(ALICE)
        assert.equal(response.admitted, false)
        assert.ok(!response.admitted && response.code === 'AUTH_BANNED' && response.reason.includes(ban.reason), JSON.stringify(response))
        assert.equal((await h.admin('DELETE', `${AuthPaths.bans}?kind=${ban.kind}&value=${encodeURIComponent(ban.value)}`)).status, 200)
        assert.equal((await h.admit(ALICE)).admitted, true)
      }
      assert.equal((await h.admit(BOB)).admitted, true)
    })
  })

  void it('lets a temporary ban lapse at its expiry', async () => {
    await withService({}, async (h) => {
      const expiresAt = h.clock.now() + 60_000
      assert.equal((await h.admin('POST', AuthPaths.bans, { kind: 'name', value: 'Alice', reason: 'cool off', expiresAt })).status, 201)
      const refused = await h.admit(ALICE)
      assert.ok(!refused.admitted && refused.code === 'AUTH_BANNED' && refused.reason.includes('until'))
      h.clock.advance(60_001)
      assert.equal((await h.admit(ALICE)).admitted, true)
      assert.deepEqual((await h.admin('GET', AuthPaths.bans)).body, { bans: [] })
      assert.equal((await h.admin('POST', AuthPaths.bans, { kind: 'name', value: 'Alice', reason: 'past', expiresAt: h.clock.now() - 1 })).status, 400)
    })
  })

  void it('refuses names off the whitelist when it is on, and always admits ops', async () => {
    await withService({ AUTH_WHITELIST: 'true' }, async (h) => {
      const refused = await h.admit(ALICE)
      assert.ok(!refused.admitted && refused.code === 'AUTH_NOT_WHITELISTED')
      assert.deepEqual((await h.admin('PUT', `${AuthPaths.whitelist}/alice`)).body, { name: 'alice', enabled: true })
      assert.deepEqual((await h.admin('GET', `${AuthPaths.whitelist}/ALICE`)).body, { name: 'ALICE', enabled: true })
      assert.deepEqual((await h.admin('GET', AuthPaths.whitelist)).body, { names: ['alice'] })
      const admitted = await h.admit(ALICE)
      assert.ok(admitted.admitted && !admitted.op)
      assert.equal((await h.admin('PUT', `${AuthPaths.ops}/Bob`)).status, 200)
      const op = await h.admit(BOB)
      assert.ok(op.admitted && op.op)
      await h.admin('DELETE', `${AuthPaths.whitelist}/Alice`)
      assert.equal((await h.admit(ALICE)).admitted, false)
    })
  })

  void it('treats AUTH_OPS names as ops from the start', async () => {
    await withService({ AUTH_OPS: 'Bob', AUTH_WHITELIST: 'true' }, async (h) => {
      const response = await h.admit(BOB)
      assert.ok(response.admitted && response.op)
      assert.deepEqual((await h.admin('GET', AuthPaths.ops)).body, { names: ['Bob'] })
    })
  })

  void it('kick-old: a second login revokes the first session and tells every gateway over /v1/events', async () => {
    await withService({ AUTH_DUPLICATE_LOGIN: 'kick-old' }, async (h) => {
      const stream = await openEventStream(h.url)
      try {
        const first = sessionIdOf(await h.admit(ALICE, 'gw-1'))
        const second = sessionIdOf(await h.admit(ALICE, 'gw-2'))
        const revoked = await stream.next((e) => e.type === 'SessionRevoked')
        assert.deepEqual(revoked, { type: 'SessionRevoked', uuid: ALICE.uuid, sessionId: first, reason: ErrorCodes.AUTH_DUPLICATE_LOGIN })
        assert.equal((await h.store.getSession(ALICE.uuid))?.sessionId, second)
      } finally {
        stream.close()
      }
    })
  })

  void it('an event stream stops listening when its client goes away', async () => {
    await withService({}, async (h) => {
      let listening = 0
      const subscribe = h.store.subscribe.bind(h.store)
      h.store.subscribe = (listener) => {
        listening++
        const unsubscribe = subscribe(listener)
        return () => { listening--; unsubscribe() }
      }
      const stream = await openEventStream(h.url)
      assert.equal(listening, 1)
      stream.close()
      await eventually('the stream to unsubscribe', async () => { await Promise.resolve(); return listening === 0 })
    })
  })

  void it('refuse-new: a second login is refused while the first session lives', async () => {
    await withService({ AUTH_DUPLICATE_LOGIN: 'refuse-new' }, async (h) => {
      const first = sessionIdOf(await h.admit(ALICE, 'gw-1'))
      const refused = await h.admit(ALICE, 'gw-2')
      assert.ok(!refused.admitted && refused.code === 'AUTH_ALREADY_ONLINE')
      assert.deepEqual((await h.post(AuthPaths.release, { uuid: ALICE.uuid, sessionId: first })).body, { released: true })
      assert.equal((await h.admit(ALICE, 'gw-2')).admitted, true)
      assert.equal(h.events().filter((e) => e.type === 'SessionRevoked').length, 0)
    })
  })

  void it('refuses with AUTH_RATE_LIMITED past the per-address and per-account limits, until the window ends', async () => {
    await withService({ AUTH_RATE_ADMITS_PER_ADDRESS: '3', AUTH_RATE_ADMITS_PER_ACCOUNT: '2', AUTH_RATE_WINDOW_S: '60' }, async (h) => {
      h.clock.advance(60_000 - (h.clock.now() % 60_000))
      assert.equal((await h.admit(ALICE)).admitted, true)
      assert.equal((await h.admit(ALICE)).admitted, true)
      const perAccount = await h.admit(ALICE)
      assert.ok(!perAccount.admitted && perAccount.code === 'AUTH_RATE_LIMITED')
      const perAddress = await h.admit({ ...BOB, address: ALICE.address })
      assert.ok(!perAddress.admitted && perAddress.code === 'AUTH_RATE_LIMITED')
      assert.equal((await h.admit(BOB)).admitted, true)
      h.clock.advance(60_000)
      assert.equal((await h.admit(ALICE)).admitted, true)
    })
  })
})

void describe('sessions', () => {
  void it('release deletes the session only if it is still the same one', async () => {
    await withService({}, async (h) => {
      const first = sessionIdOf(await h.admit(ALICE))
      const second = sessionIdOf(await h.admit(ALICE))
      assert.deepEqual((await h.post(AuthPaths.release, { uuid: ALICE.uuid, sessionId: first })).body, { released: false })
      assert.equal((await h.store.getSession(ALICE.uuid))?.sessionId, second)
      assert.deepEqual((await h.post(AuthPaths.release, { uuid: ALICE.uuid, sessionId: second })).body, { released: true })
      assert.equal(await h.store.getSession(ALICE.uuid), null)
    })
  })

  void it('expires a session its gateway stops renewing, and keeps one that is renewed', async () => {
    await withService({ AUTH_SESSION_TTL_S: '30', AUTH_DUPLICATE_LOGIN: 'refuse-new' }, async (h) => {
      const alice = sessionIdOf(await h.admit(ALICE, 'gw-1'))
      sessionIdOf(await h.admit(BOB, 'gw-2'))
      h.clock.advance(20_000)
      assert.deepEqual((await h.post(AuthPaths.heartbeat, { gatewayId: 'gw-1', sessionIds: [alice] })).body, { renewed: 1 })
      h.clock.advance(20_000)
      // Bob's gateway went quiet: 40 s without a heartbeat is past the 30 s TTL.
      assert.equal(await h.store.getSession(BOB.uuid), null)
      assert.equal((await h.admit(BOB, 'gw-3')).admitted, true)
      const refused = await h.admit(ALICE, 'gw-3')
      assert.ok(!refused.admitted && refused.code === 'AUTH_ALREADY_ONLINE')
      assert.deepEqual((await h.post(AuthPaths.heartbeat, { gatewayId: 'gw-2', sessionIds: [alice] })).body, { renewed: 0 })
    })
  })
})

void describe('admin', () => {
  void it('refuses admin endpoints without the right bearer token', async () => {
    await withService({}, async (h) => {
      for (const headers of [{}, { authorization: 'Bearer wrong-token' }, { authorization: TOKEN }, { authorization: `Bearer ${TOKEN}x` }]) {
        for (const [method, url] of [['GET', AuthPaths.bans], ['POST', AuthPaths.bans], ['PUT', `${AuthPaths.whitelist}/Alice`], ['DELETE', `${AuthPaths.ops}/Alice`]] as const) {
          const response = await h.service.inject({ method, url, headers, payload: { kind: 'name', value: 'Alice', reason: 'x' } })
          assert.equal(response.statusCode, 401, `${method} ${url} ${JSON.stringify(headers)}`)
          assert.equal(response.json().error, 'AUTH_UNAUTHORIZED')
        }
      }
      assert.deepEqual(await h.store.listBans(), [])
      assert.equal((await h.admin('GET', AuthPaths.bans)).status, 200)
    })
  })

  void it('a new ban publishes PlayerBanned so gateways kick the player', async () => {
    await withService({}, async (h) => {
      await h.admin('POST', AuthPaths.bans, { kind: 'uuid', value: ALICE.uuid, reason: 'griefing' })
      await h.admin('POST', AuthPaths.bans, { kind: 'address', value: '10.0.0.9', reason: 'bots' })
      assert.deepEqual(h.events(), [
        { type: 'PlayerBanned', uuid: ALICE.uuid, reason: 'griefing' },
        { type: 'PlayerBanned', address: '10.0.0.9', reason: 'bots' }
      ])
      assert.equal((await h.admin('DELETE', AuthPaths.bans, { kind: 'name', value: 'Nobody' })).status, 404)
    })
  })

  void it('an op change publishes OpChanged for the player last seen under that name', async () => {
    await withService({}, async (h) => {
      await h.admit(ALICE)
      await h.admin('PUT', `${AuthPaths.ops}/alice`)
      await h.admin('DELETE', `${AuthPaths.ops}/ALICE`)
      await h.admin('PUT', `${AuthPaths.ops}/NeverSeen`)
      assert.deepEqual(h.events(), [{ type: 'OpChanged', uuid: ALICE.uuid, op: true }, { type: 'OpChanged', uuid: ALICE.uuid, op: false }])
    })
  })

  void it('reports health', async () => {
    await withService({}, async (h) => {
      assert.deepEqual((await h.service.inject({ method: 'GET', url: AuthPaths.health })).json(), { ok: true, store: true })
      assert.equal((await h.service.inject({ method: 'GET', url: '/v1/nothing' })).json().error, 'AUTH_NOT_FOUND')
    })
  })
})

void describe('accounts', () => {
  const alice = { uuid: ALICE.uuid, username: ALICE.username, address: ALICE.address }

  void it('asks a new offline player to register, then to log in', async () => {
    await withService({ AUTH_OFFLINE_ACCOUNTS: 'true' }, async (h) => {
      const first = await h.admit(ALICE)
      assert.ok(first.admitted && first.needsPassword === 'register')
      assert.deepEqual((await h.post(AuthPaths.register, { ...alice, password: 'correct horse' })).body, { ok: true })
      const second = await h.admit(ALICE)
      assert.ok(second.admitted && second.needsPassword === 'login')
      assert.deepEqual((await h.post(AuthPaths.login, { ...alice, password: 'correct horse' })).body, { ok: true })
      assert.equal((await h.post(AuthPaths.login, { ...BOB, uuid: BOB.uuid, password: 'whatever' })).body.error, 'AUTH_NOT_REGISTERED')
    })
  })

  void it('register is idempotent for the same password and refuses another one', async () => {
    await withService({ AUTH_OFFLINE_ACCOUNTS: 'true' }, async (h) => {
      assert.equal((await h.post(AuthPaths.register, { ...alice, password: 'secret1' })).status, 200)
      assert.equal((await h.post(AuthPaths.register, { ...alice, password: 'secret1' })).status, 200)
      const other = await h.post(AuthPaths.register, { ...alice, password: 'secret2' })
      assert.equal(other.status, 409)
      assert.equal(other.body.error, 'AUTH_ALREADY_REGISTERED')
    })
  })

  void it('enforces password length 6 to 64', async () => {
    await withService({ AUTH_OFFLINE_ACCOUNTS: 'true' }, async (h) => {
      assert.equal((await h.post(AuthPaths.register, { ...alice, password: '12345' })).body.error, 'AUTH_BAD_REQUEST')
      assert.equal((await h.post(AuthPaths.register, { ...alice, password: 'x'.repeat(65) })).body.error, 'AUTH_BAD_REQUEST')
      assert.equal((await h.post(AuthPaths.register, { ...alice, password: 'x'.repeat(64) })).status, 200)
    })
  })

  void it('changes a password after checking the old one; a retry of the same change succeeds', async () => {
    await withService({ AUTH_OFFLINE_ACCOUNTS: 'true' }, async (h) => {
      await h.post(AuthPaths.register, { ...alice, password: 'old-pass' })
      const wrong = await h.post(AuthPaths.changePassword, { ...alice, password: 'not-it', newPassword: 'new-pass' })
      assert.equal(wrong.status, 403)
      assert.equal(wrong.body.error, 'AUTH_WRONG_PASSWORD')
      assert.equal((await h.post(AuthPaths.changePassword, { ...alice, password: 'old-pass', newPassword: 'new-pass' })).status, 200)
      assert.equal((await h.post(AuthPaths.changePassword, { ...alice, password: 'old-pass', newPassword: 'new-pass' })).status, 200)
      assert.equal((await h.post(AuthPaths.login, { ...alice, password: 'old-pass' })).status, 403)
      assert.equal((await h.post(AuthPaths.login, { ...alice, password: 'new-pass' })).status, 200)
    })
  })

  void it('five wrong passwords lock the account; the right one works again after the lockout', async () => {
    await withService({ AUTH_OFFLINE_ACCOUNTS: 'true', AUTH_LOCKOUT_S: '300' }, async (h) => {
      await h.post(AuthPaths.register, { ...alice, password: 'right-pass' })
      for (let i = 1; i <= 4; i++) {
        const response = await h.post(AuthPaths.login, { ...alice, password: `wrong-${i}` })
        assert.equal(response.body.error, 'AUTH_WRONG_PASSWORD', `attempt ${i}`)
      }
      const fifth = await h.post(AuthPaths.login, { ...alice, password: 'wrong-5' })
      assert.equal(fifth.status, 423)
      assert.equal(fifth.body.error, 'AUTH_LOCKED_OUT')
      assert.equal((await h.post(AuthPaths.login, { ...alice, password: 'right-pass' })).body.error, 'AUTH_LOCKED_OUT')
      h.clock.advance(299_000)
      assert.equal((await h.post(AuthPaths.login, { ...alice, password: 'right-pass' })).body.error, 'AUTH_LOCKED_OUT')
      h.clock.advance(1_001)
      assert.deepEqual((await h.post(AuthPaths.login, { ...alice, password: 'right-pass' })).body, { ok: true })
      // The count restarted: one more wrong password does not lock again.
      assert.equal((await h.post(AuthPaths.login, { ...alice, password: 'wrong-6' })).body.error, 'AUTH_WRONG_PASSWORD')
    })
  })

  void it('limits password attempts per address', async () => {
    await withService({ AUTH_OFFLINE_ACCOUNTS: 'true', AUTH_RATE_PASSWORD_PER_ADDRESS: '3' }, async (h) => {
      h.clock.advance(60_000 - (h.clock.now() % 60_000))
      await h.post(AuthPaths.register, { ...alice, password: 'right-pass' })
      assert.equal((await h.post(AuthPaths.login, { ...alice, password: 'right-pass' })).status, 200)
      assert.equal((await h.post(AuthPaths.login, { ...alice, password: 'right-pass' })).status, 200)
      const limited = await h.post(AuthPaths.login, { ...alice, password: 'right-pass' })
      assert.equal(limited.status, 429)
      assert.equal(limited.body.error, 'AUTH_RATE_LIMITED')
      assert.equal((await h.post(AuthPaths.login, { ...alice, address: '10.0.0.7', password: 'right-pass' })).status, 200)
    })
  })
})

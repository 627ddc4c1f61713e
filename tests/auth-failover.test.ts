/**
 * Auth on a replicated store, through a Sentinel failover: two auth-service replicas (real
 * HTTP) on a primary + 2 replicas + 3 Sentinels. While logins of existing accounts run through
 * both replicas every 20 ms, the primary is SIGKILLed. Logins must continue (reads from a
 * replica, provisional sessions), registrations and password changes must either succeed and
 * persist or fail with AUTH_STORE_UNAVAILABLE, and nothing confirmed may be lost.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AuthPaths, type AdmitResponse } from '#shared/auth-api.ts'
import { createLogger } from '#shared/logger.ts'
import { readAuthConfig } from '../auth-service/src/config.ts'
import { createAuthService, type AuthService } from '../auth-service/src/create-auth-service.ts'
import { createAuthStore } from '../auth-service/src/store/create-auth-store.ts'
import { explained, startReplicaSet, waitForFailover, waitForOnlineReplica } from './harness/redis.ts'

const TOKEN = 'failover-test-admin-token'
const ACCOUNTS = 20
const LOAD_MS = 12_000
const KILL_AT_MS = 2_000
const TICK_MS = 20

interface Player { uuid: string, username: string, address: string }

/** Player n of a group: P (login load), C (password changes during the load), R (registrations during the load). */
function player (group: 'P' | 'C' | 'R', n: number): Player {
  const g = { P: 1, C: 2, R: 3 }[group]
  return {
    uuid: `00000000-0000-4000-8000-${g.toString(16).padStart(6, '0')}${n.toString(16).padStart(6, '0')}`,
    username: `${group}layer${n}`,
    address: `10.${g}.${n >> 8}.${n & 255}`
  }
}

async function call (base: string, path: string, body: unknown, token?: string): Promise<{ status: number, body: any }> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000)
  })
  return { status: response.status, body: await response.json() }
}

async function until (what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

void test('logins continue and no confirmed write is lost while Sentinel fails the primary over', { timeout: 90_000 }, async () => {
  const set = await startReplicaSet()
  const services: AuthService[] = []
  try {
    const urls: string[] = []
    for (let i = 0; i < 2; i++) {
      const config = readAuthConfig({
        AUTH_PORT: '0',
        AUTH_ADMIN_TOKEN: TOKEN,
        AUTH_OFFLINE_ACCOUNTS: 'true',
        AUTH_SCRYPT_COST: '1024',
        AUTH_RATE_ADMITS_PER_ADDRESS: '1000000',
        AUTH_RATE_ADMITS_PER_ACCOUNT: '1000000',
        AUTH_RATE_PASSWORD_PER_ADDRESS: '1000000',
        TESSERA_REDIS_SENTINELS: set.sentinelList,
        TESSERA_REDIS_NAME: set.name
      })
      const logger = createLogger(`auth-service-${i + 1}`, { level: 'error' })
      const service = createAuthService(config, { logger, store: await createAuthStore(config, logger) })
      services.push(service)
      urls.push((await service.start()).url)
    }
    const replica = (i: number): string => urls[i % 2]!

    // Confirmed before the kill: accounts, one ban, one password change.
    const loginPlayers: Array<{ player: Player, password: string }> = []
    const changePlayers: Array<{ player: Player, password: string }> = []
    for (let n = 0; n < ACCOUNTS; n++) {
      for (const [group, list] of [['P', loginPlayers], ['C', changePlayers]] as const) {
        const p = player(group, n)
        const response = await call(replica(n), AuthPaths.register, { ...p, password: `pw-${n}-initial` })
        assert.equal(response.status, 200, JSON.stringify(response.body))
        list.push({ player: p, password: `pw-${n}-initial` })
      }
    }
    assert.equal((await call(replica(0), AuthPaths.bans, { kind: 'name', value: 'Griefer', reason: 'tnt' }, TOKEN)).status, 201)
    assert.equal((await call(replica(1), AuthPaths.changePassword, { ...loginPlayers[0]!.player, password: 'pw-0-initial', newPassword: 'pw-0-changed' })).status, 200)
    loginPlayers[0]!.password = 'pw-0-changed'

    // The load: admit + password login of existing accounts through both replicas.
    const start = performance.now()
    const successes: number[] = []
    const failures = new Map<string, number>()
    let attempts = 0
    const loginLoop = async (lane: number): Promise<void> => {
      for (let tick = 0; ; tick++) {
        const due = start + tick * TICK_MS
        if (due - start > LOAD_MS) return
        const wait = due - performance.now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        const { player: p, password } = loginPlayers[(2 * tick + lane) % ACCOUNTS]!
        attempts++
        let outcome = 'ok'
        try {
          const admit = await call(replica(lane), AuthPaths.admit, { ...p, gatewayId: `gw-${lane}` })
          const admitted = admit.body as AdmitResponse
          if (admit.status !== 200 || !admitted.admitted) {
            outcome = `admit ${admit.status} ${admit.body.error ?? (admitted.admitted ? '' : admitted.code)}`
          } else {
            const login = await call(replica(lane), AuthPaths.login, { ...p, password })
            if (login.status !== 200) outcome = `login ${login.status} ${login.body.error}`
          }
        } catch (err) {
          outcome = `error ${(err as Error).message}`
        }
        if (outcome === 'ok') successes.push(performance.now() - start)
        else failures.set(outcome, (failures.get(outcome) ?? 0) + 1)
      }
    }

    // Writes during the load: registrations and password changes (of accounts the login load
    // does not use), each either confirmed or AUTH_STORE_UNAVAILABLE. An unavailable write has
    // an unknown outcome; it is retried after the failover, which must be safe.
    const registered: Array<{ player: Player, password: string }> = []
    const unknown: Array<{ path: string, body: Record<string, unknown>, entry: { player: Player, password: string } }> = []
    const writeOutcomes = new Map<string, number>()
    const writeLoop = async (): Promise<void> => {
      for (let n = 0; performance.now() - start < LOAD_MS; n++) {
        const register = n % 2 === 0 || n / 2 >= ACCOUNTS
        let path: string
        let body: Record<string, unknown>
        let entry: { player: Player, password: string }
        let apply: () => void
        if (register) {
          const p = player('R', n)
          path = AuthPaths.register
          body = { ...p, password: `pw-r-${n}` }
          entry = { player: p, password: `pw-r-${n}` }
          apply = () => { registered.push(entry) }
        } else {
          const change = changePlayers[(n - 1) / 2]!
          path = AuthPaths.changePassword
          body = { ...change.player, password: change.password, newPassword: `pw-c-${n}` }
          entry = change
          apply = () => { change.password = `pw-c-${n}` }
        }
        const response = await call(replica(n), path, body)
        const key = `${register ? 'register' : 'change'} ${response.status} ${response.body.error ?? 'ok'}`
        writeOutcomes.set(key, (writeOutcomes.get(key) ?? 0) + 1)
        if (response.status === 200) {
          apply()
        } else {
          assert.equal(response.body.error, 'AUTH_STORE_UNAVAILABLE', `${path} answered ${response.status} ${JSON.stringify(response.body)}`)
          unknown.push({ path, body, entry: register ? entry : { player: entry.player, password: `pw-c-${n}` } })
          if (!register) apply()
        }
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }

    const killer = (async () => {
      await new Promise((resolve) => setTimeout(resolve, KILL_AT_MS))
      const killedAt = performance.now() - start
      await set.primary.kill()
      const promoted = await waitForFailover(set, set.primary.port)
      return { killedAt, promotedAt: performance.now() - start, promoted }
    })()
    const [, , , failover] = await Promise.all([loginLoop(0), loginLoop(1), writeLoop(), killer])

    // After the failover: both replicas write again, then everything confirmed must be there.
    await explained(set, until('both replicas writable again', async () => {
      const health = await Promise.all(urls.map(async (url) => await (await fetch(`${url}${AuthPaths.health}`)).json() as { store: boolean }))
      return health.every((h) => h.store)
    }, 15_000))
    // Writes are confirmed by WAIT on one replica: the surviving replica must first have been
    // repointed by Sentinel and finished its sync with the promoted primary.
    await waitForOnlineReplica(set, 45_000)

    // Sessions admitted without the primary are written (duplicate policy applied) once it is back.
    await until('provisional sessions reconciled', async () => {
      await Promise.resolve()
      return services.every((s) => s.provisionalSessions().pending === 0)
    }, 5000)
    const provisional = services.reduce((sum, s) => sum + s.provisionalSessions().admitted, 0)

    // Retrying a write whose outcome was unknown is safe: it lands exactly once.
    for (const write of unknown) {
      const retry = await call(urls[0]!, write.path, write.body)
      assert.equal(retry.status, 200, `retry of ${write.path}: ${JSON.stringify(retry.body)}`)
      if (write.path === AuthPaths.register) registered.push(write.entry)
    }
    let lost = 0
    let checked = 0
    for (const { player: p, password } of [...loginPlayers, ...changePlayers, ...registered]) {
      checked++
      for (const url of urls) {
        if ((await call(url, AuthPaths.login, { ...p, password })).status !== 200) {
          lost++
          break
        }
      }
    }
    checked++
    const banned = await call(urls[1]!, AuthPaths.admit, { ...player('P', 900), username: 'Griefer', gatewayId: 'gw-check' })
    if ((banned.body as AdmitResponse).admitted) lost++

    successes.sort((a, b) => a - b)
    let longestGap = 0
    let gapAt = 0
    for (let k = 1; k < successes.length; k++) {
      const gap = successes[k]! - successes[k - 1]!
      if (gap > longestGap) { longestGap = gap; gapAt = successes[k - 1]! }
    }
    const failed = [...failures.values()].reduce((a, b) => a + b, 0)
    console.log([
      `failover: primary killed at ${failover.killedAt.toFixed(0)} ms, Sentinel promoted :${failover.promoted} at ${failover.promotedAt.toFixed(0)} ms`,
      `logins: ${attempts} attempted, ${successes.length} succeeded, ${failed} failed ${JSON.stringify(Object.fromEntries(failures))}; ${provisional} admitted with a provisional session, all reconciled`,
      `longest gap between successful logins: ${longestGap.toFixed(0)} ms (from ${gapAt.toFixed(0)} ms)`,
      `writes during the load: ${JSON.stringify(Object.fromEntries(writeOutcomes))}; unknown outcomes retried: ${unknown.length}`,
      `writes lost: ${lost} of ${checked} confirmed (accounts, passwords, ban)`
    ].join('\n'))

    assert.equal(lost, 0)
    assert.ok(successes.length > 0 && successes[successes.length - 1]! > failover.promotedAt, 'logins continue after the failover')
    assert.ok(successes.some((t) => t > failover.killedAt && t < failover.promotedAt), 'logins succeed while Sentinel promotes a replica')
    assert.ok(longestGap < 1500, `longest login gap ${longestGap.toFixed(0)} ms`)
  } finally {
    for (const service of services) await service.stop()
    await set.stop()
  }
})

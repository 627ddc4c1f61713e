/**
 * Several stateless auth-service replicas behind one AuthClient: a request goes to the first
 * replica that answers, so killing one does not affect logins; events are streamed from every
 * replica (each relays the same store-wide events, and acting on one twice is harmless).
 */
import type { AdmitResponse } from '#shared/auth-api.ts'
import { ErrorCodes } from '#shared/errors.ts'
import type { AccountResult, AuthClient } from './auth-client.ts'

/** Tries replicas in order while they are unreachable. */
async function firstReachable (replicas: readonly AuthClient[], call: (replica: AuthClient) => Promise<AccountResult>): Promise<AccountResult> {
  let last: AccountResult = { ok: false, code: 'GW_AUTH_UNAVAILABLE' }
  for (const replica of replicas) {
    last = await call(replica)
    if (last.ok || last.code !== 'GW_AUTH_UNAVAILABLE') return last
  }
  return last
}

/** An AuthClient that fails over between replicas in order. */
export function createReplicatedAuthClient (replicas: readonly AuthClient[]): AuthClient {
  if (replicas.length === 1) return replicas[0]!
  return {
    async admit (request) {
      let last: AdmitResponse = { admitted: false, code: 'GW_AUTH_UNAVAILABLE', reason: ErrorCodes.GW_AUTH_UNAVAILABLE }
      for (const replica of replicas) {
        last = await replica.admit(request)
        if (last.admitted || last.code !== 'GW_AUTH_UNAVAILABLE') return last
      }
      return last
    },
    async release (request) {
      // Compare-and-delete: releasing at every replica is safe, and one of them is up.
      await Promise.all(replicas.map(async (replica) => { await replica.release(request) }))
    },
    async register (request) { return await firstReachable(replicas, async (replica) => await replica.register(request)) },
    async login (request) { return await firstReachable(replicas, async (replica) => await replica.login(request)) },
    async changePassword (request) { return await firstReachable(replicas, async (replica) => await replica.changePassword(request)) },
    async ban (token, request) { return await firstReachable(replicas, async (replica) => await replica.ban(token, request)) },
    async pardon (token, kind, value) { return await firstReachable(replicas, async (replica) => await replica.pardon(token, kind, value)) },
    async setWhitelisted (token, name, enabled) { return await firstReachable(replicas, async (replica) => await replica.setWhitelisted(token, name, enabled)) },
    async setOp (token, name, enabled) { return await firstReachable(replicas, async (replica) => await replica.setOp(token, name, enabled)) },
    async heartbeat (request) {
      await Promise.all(replicas.map(async (replica) => { await replica.heartbeat(request) }))
    },
    subscribe (handler) {
      const streams = replicas.map((replica) => replica.subscribe(handler))
      return { stop () { for (const stream of streams) stream.stop() } }
    }
  }
}

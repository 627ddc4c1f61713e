/**
 * The gateway's client of auth-service's HTTP JSON API (contract in shared/auth-api.ts), and
 * its event stream: session revocations and bans reach the gateway over Server-Sent Events.
 * Password requests are never logged (neither the body nor the answer's detail).
 */
import { AuthPaths, type AdmitRequest, type AdmitResponse, type ApiError, type AuthEvent, type BanRequest, type ChangePasswordRequest, type HeartbeatRequest, type PasswordRequest, type ReleaseRequest } from '#shared/auth-api.ts'
import { ErrorCodes, type ErrorCode } from '#shared/errors.ts'
import type { Logger } from '#shared/logger.ts'

const REQUEST_TIMEOUT_MS = 5000
const RECONNECT_DELAY_MS = 500

/**
 * How often the gateway renews its sessions (POST /v1/heartbeat). auth-service refuses a
 * session TTL (AUTH_SESSION_TTL_S) shorter than three of these, so two lost heartbeats in a row
 * do not end a live session.
 */
export const SESSION_HEARTBEAT_INTERVAL_MS = 5000

/** The answer to a password operation: done, or refused with the service's code. */
export type AccountResult =
  | { readonly ok: true }
  | {
    readonly ok: false
    /** An AUTH_ code from the service, or GW_AUTH_UNAVAILABLE when it could not be reached. */
    readonly code: ErrorCode
    /** Seconds until a retry may succeed (Retry-After of a lockout or rate limit), when known. */
    readonly retryAfterS?: number
  }

/** What the gateway asks of auth-service. */
export interface AuthClient {
  admit (request: AdmitRequest): Promise<AdmitResponse>
  release (request: ReleaseRequest): Promise<void>
  heartbeat (request: HeartbeatRequest): Promise<void>
  /** Offline accounts: creates the account (idempotent for the same password). */
  register (request: PasswordRequest): Promise<AccountResult>
  /** Offline accounts: checks the password (wrong ones count towards a lockout). */
  login (request: PasswordRequest): Promise<AccountResult>
  /** Offline accounts: replaces the password after checking the current one. */
  changePassword (request: ChangePasswordRequest): Promise<AccountResult>
  /** Admin (Bearer token): bans a name, uuid or address (POST /v1/bans). */
  ban (token: string, request: BanRequest): Promise<AccountResult>
  /** Admin: lifts a ban (DELETE /v1/bans). */
  pardon (token: string, kind: BanRequest['kind'], value: string): Promise<AccountResult>
  /** Admin: adds or removes a name on the whitelist. */
  setWhitelisted (token: string, name: string, enabled: boolean): Promise<AccountResult>
  /** Admin: grants or takes operator rights. */
  setOp (token: string, name: string, enabled: boolean): Promise<AccountResult>
  /** Streams events until stop() is called; reconnects after failures. */
  subscribe (handler: (event: AuthEvent) => void): { stop (): void }
}

/** An AuthClient over HTTP at baseUrl. */
export function createHttpAuthClient (baseUrl: string, log: Logger): AuthClient {
  async function post (path: string, body: unknown): Promise<Response> {
    return await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
    })
  }

  async function account (path: string, request: PasswordRequest): Promise<AccountResult> {
    return await answer(path, async () => await post(path, request))
  }

  async function admin (token: string, method: string, path: string, body?: unknown): Promise<AccountResult> {
    return await answer(path, async () => await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
    }))
  }

  async function answer (path: string, send: () => Promise<Response>): Promise<AccountResult> {
    let response: Response
    try {
      response = await send()
    } catch (err) {
      log.warn({ err: { message: (err as Error).message }, path }, 'auth-service unreachable')
      return { ok: false, code: 'GW_AUTH_UNAVAILABLE' }
    }
    const body = await response.json().catch(() => undefined) as Partial<ApiError> & { ok?: unknown } | undefined
    if (response.ok && (body?.ok === true || body?.error === undefined)) return { ok: true }
    const code = typeof body?.error === 'string' && body.error in ErrorCodes ? body.error : undefined
    if (code === undefined) {
      log.warn({ status: response.status, path }, 'auth-service answered a password request without an error code')
      return { ok: false, code: 'GW_AUTH_UNAVAILABLE' }
    }
    const retryAfter = Number.parseInt(response.headers.get('retry-after') ?? '', 10)
    return Number.isFinite(retryAfter) && retryAfter > 0 ? { ok: false, code, retryAfterS: retryAfter } : { ok: false, code }
  }

  return {
    async register (request) { return await account(AuthPaths.register, request) },
    async login (request) { return await account(AuthPaths.login, request) },
    async changePassword (request) { return await account(AuthPaths.changePassword, request) },
    async ban (token, request) { return await admin(token, 'POST', AuthPaths.bans, request) },
    async pardon (token, kind, value) { return await admin(token, 'DELETE', `${AuthPaths.bans}?${new URLSearchParams({ kind, value }).toString()}`) },
    async setWhitelisted (token, name, enabled) { return await admin(token, enabled ? 'PUT' : 'DELETE', `${AuthPaths.whitelist}/${encodeURIComponent(name)}`) },
    async setOp (token, name, enabled) { return await admin(token, enabled ? 'PUT' : 'DELETE', `${AuthPaths.ops}/${encodeURIComponent(name)}`) },
    async admit (request) {
      let response: Response
      try {
        response = await post(AuthPaths.admit, request)
      } catch (err) {
        log.warn({ err }, 'auth-service unreachable')
        return { admitted: false, code: 'GW_AUTH_UNAVAILABLE', reason: ErrorCodes.GW_AUTH_UNAVAILABLE }
      }
      const body = await response.json().catch(() => undefined) as { admitted?: unknown, message?: string } | undefined
      if (body !== undefined && typeof body.admitted === 'boolean') return body as AdmitResponse
      log.warn({ status: response.status, body }, 'auth-service answered admit with an error')
      return { admitted: false, code: 'GW_AUTH_UNAVAILABLE', reason: body?.message ?? ErrorCodes.GW_AUTH_UNAVAILABLE }
    },
    async release (request) {
      try {
        await post(AuthPaths.release, request)
      } catch (err) {
        // The session expires by TTL when the release is lost.
        log.warn({ err }, 'session release failed')
      }
    },
    async heartbeat (request) {
      try {
        await post(AuthPaths.heartbeat, request)
      } catch (err) {
        log.warn({ err }, 'session heartbeat failed')
      }
    },
    subscribe (handler) {
      let stopped = false
      let controller = new AbortController()
      const run = async (): Promise<void> => {
        while (!stopped) {
          try {
            const response = await fetch(`${baseUrl}${AuthPaths.events}`, { signal: controller.signal, headers: { accept: 'text/event-stream' } })
            if (response.body === null) throw new Error(`HTTP ${response.status}`)
            let buffer = ''
            for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
              buffer += chunk
              let end
              while ((end = buffer.indexOf('\n\n')) >= 0) {
                const block = buffer.slice(0, end)
                buffer = buffer.slice(end + 2)
                const data = block.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n')
                if (data !== '') handler(JSON.parse(data) as AuthEvent)
              }
            }
          } catch (err) {
            if (stopped) return
            log.warn({ err }, 'auth event stream interrupted; reconnecting')
          }
          if (stopped) return
          await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS))
          controller = new AbortController()
        }
      }
      void run()
      return {
        stop () {
          stopped = true
          controller.abort()
        }
      }
    }
  }
}

/**
 * The gateway's client of auth-service's HTTP JSON API (contract in shared/auth-api.ts), and
 * its event stream: session revocations and bans reach the gateway over Server-Sent Events.
 */
import { AuthPaths, type AdmitRequest, type AdmitResponse, type AuthEvent, type HeartbeatRequest, type ReleaseRequest } from '#shared/auth-api.ts'
import { ErrorCodes } from '#shared/errors.ts'
import type { Logger } from '#shared/logger.ts'

const REQUEST_TIMEOUT_MS = 5000
const RECONNECT_DELAY_MS = 500

/** What the gateway asks of auth-service. */
export interface AuthClient {
  admit (request: AdmitRequest): Promise<AdmitResponse>
  release (request: ReleaseRequest): Promise<void>
  heartbeat (request: HeartbeatRequest): Promise<void>
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

  return {
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

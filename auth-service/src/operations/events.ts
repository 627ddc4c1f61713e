/**
 * GET /v1/events: Server-Sent Events, one AuthEvent JSON per `data:` line. Every replica relays
 * what the store's pub/sub carries, so an event raised at any replica reaches every gateway.
 * A comment line every AUTH_SSE_HEARTBEAT_S keeps idle proxies from closing the stream.
 * https://html.spec.whatwg.org/multipage/server-sent-events.html
 */
import type { FastifyInstance } from 'fastify'
import { AuthPaths, type AuthEvent } from '#shared/auth-api.ts'
import type { AuthContext } from '../auth-context.ts'

/** Registers GET /v1/events. */
export function registerEvents (app: FastifyInstance, ctx: AuthContext): void {
  app.get(AuthPaths.events, (request, reply) => {
    void reply.hijack()
    const raw = reply.raw
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no'
    })
    // The first comment tells the client the subscription is live.
    raw.write(': connected\n\n')
    const unsubscribe = ctx.store.subscribe((event: AuthEvent) => { raw.write(`data: ${JSON.stringify(event)}\n\n`) })
    const heartbeat = setInterval(() => { raw.write(': heartbeat\n\n') }, ctx.config.sseHeartbeatMs)
    let closed = false
    const close = (): void => {
      if (closed) return
      closed = true
      clearInterval(heartbeat)
      unsubscribe()
      ctx.openStreams.delete(close)
      if (!raw.writableEnded) raw.end()
    }
    ctx.openStreams.add(close)
    raw.once('close', close)
    request.log.debug('event stream opened')
  })
}

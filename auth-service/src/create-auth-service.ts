/**
 * The auth-service factory: a fastify app over an AuthStore, one operation per file. Replicas
 * are stateless apart from provisional sessions during a failover; all shared state lives in
 * the store. main.ts only wires config, store and signals to this.
 */
import { fastify, LogController, type FastifyBaseLogger, type FastifyInstance, type InjectOptions, type LightMyRequestResponse } from 'fastify'
import { hasCode } from '#shared/errors.ts'
import type { Logger } from '#shared/logger.ts'
import { requireAdmin } from './admin-auth.ts'
import type { AuthContext } from './auth-context.ts'
import { systemClock, type Clock } from './clock.ts'
import type { AuthConfig } from './config.ts'
import { installErrorHandlers } from './http-errors.ts'
import { LoginGuard } from './login-guard.ts'
import { registerAdmit } from './operations/admit.ts'
import { registerBans } from './operations/bans.ts'
import { registerChangePassword } from './operations/change-password.ts'
import { registerEvents } from './operations/events.ts'
import { registerHealth } from './operations/health.ts'
import { registerHeartbeat } from './operations/heartbeat.ts'
import { registerLogin } from './operations/login.ts'
import { registerOps } from './operations/ops.ts'
import { registerRegister } from './operations/register.ts'
import { registerRelease } from './operations/release.ts'
import { registerWhitelist } from './operations/whitelist.ts'
import { ProvisionalSessions } from './provisional-sessions.ts'
import type { AuthStore } from './store/auth-store.ts'

/** What the service needs from outside. */
export interface AuthServiceDeps {
  readonly logger: Logger
  /** Opened by start(), closed by stop(). */
  readonly store: AuthStore
  readonly clock?: Clock
}

/** A running (or startable) auth-service. */
export interface AuthService {
  /** Opens the store, seeds AUTH_OPS and listens; resolves with the base URL. */
  start (): Promise<{ url: string }>
  /** Ends event streams, stops listening, closes the store. */
  stop (): Promise<void>
  /** Drives the real request pipeline without a socket (fastify inject), after start(). */
  inject (options: InjectOptions): Promise<LightMyRequestResponse>
  /** Sessions admitted during a failover: still waiting for the store, and in total (tests, metrics). */
  readonly provisionalSessions: () => { pending: number, admitted: number }
}

/** Builds the auth-service; nothing runs until start(). */
export function createAuthService (config: AuthConfig, deps: AuthServiceDeps): AuthService {
  const clock = deps.clock ?? systemClock
  const log = deps.logger
  const store = deps.store
  const ctx: AuthContext = {
    config,
    store,
    clock,
    log,
    guard: new LoginGuard(store, clock, config.rateLimits, log.child({ name: 'auth-service:guard' })),
    provisional: new ProvisionalSessions(store, clock, config.duplicateLogin, config.sessionTtlMs, log.child({ name: 'auth-service:provisional' })),
    requireAdmin: requireAdmin(config.adminToken),
    openStreams: new Set()
  }

  const httpLog: FastifyBaseLogger = log.child({ name: 'auth-service:http' })
  const app: FastifyInstance = fastify({
    loggerInstance: httpLog,
    // Per-request lines would drown the log under login load; errors are logged by the handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    // trustProxy stays off: `address` in bodies comes from the gateway, not from this socket.
    forceCloseConnections: true
  })
  installErrorHandlers(app)
  for (const register of [registerAdmit, registerRelease, registerHeartbeat, registerEvents, registerBans, registerWhitelist, registerOps, registerRegister, registerLogin, registerChangePassword, registerHealth]) {
    register(app, ctx)
  }

  let started = false

  return {
    async start () {
      await store.open()
      started = true
      for (const name of config.ops) {
        try {
          await store.setOp(name, true)
        } catch (err) {
          if (!hasCode(err, 'AUTH_STORE_UNAVAILABLE')) throw err
          log.warn({ name }, 'could not store AUTH_OPS entry yet: store unavailable (the name is still an op)')
        }
      }
      const url = await app.listen({ port: config.port, host: config.host })
      log.info({ url, store: config.store.kind, duplicateLogin: config.duplicateLogin, failoverAdmit: config.failoverAdmit }, 'auth-service listening')
      return { url }
    },
    async stop () {
      for (const close of [...ctx.openStreams]) close()
      await ctx.provisional.stop()
      await app.close()
      if (started) await store.close()
      started = false
    },
    async inject (options) {
      return await app.inject(options)
    },
    provisionalSessions: () => ({ pending: ctx.provisional.size, admitted: ctx.provisional.admitted })
  }
}

/**
 * What every operation receives: settings, the store, time, a logger and the shared helpers.
 * Operations are plain functions over this context, one file each under operations/.
 */
import type { FastifyRequest } from 'fastify'
import type { Logger } from '#shared/logger.ts'
import type { Clock } from './clock.ts'
import type { AuthConfig } from './config.ts'
import type { LoginGuard } from './login-guard.ts'
import type { ProvisionalSessions } from './provisional-sessions.ts'
import type { AuthStore } from './store/auth-store.ts'

/** The services an operation may use. */
export interface AuthContext {
  readonly config: AuthConfig
  readonly store: AuthStore
  readonly clock: Clock
  readonly log: Logger
  readonly guard: LoginGuard
  readonly provisional: ProvisionalSessions
  /** preHandler for admin routes (Bearer AUTH_ADMIN_TOKEN). */
  readonly requireAdmin: (request: FastifyRequest) => Promise<void>
  /** Closers of open event streams, called on stop. */
  readonly openStreams: Set<() => void>
}

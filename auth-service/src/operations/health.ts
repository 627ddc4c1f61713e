/**
 * GET /v1/health: the process answers; `store` says whether writes reach the primary right now.
 * Stays 200 during a failover, because logins of existing accounts still work then.
 */
import type { FastifyInstance } from 'fastify'
import { AuthPaths, type HealthResponse } from '#shared/auth-api.ts'
import type { AuthContext } from '../auth-context.ts'

/** Registers GET /v1/health. */
export function registerHealth (app: FastifyInstance, ctx: AuthContext): void {
  app.get(AuthPaths.health, async (): Promise<HealthResponse> => {
    await Promise.resolve()
    return { ok: true, store: ctx.store.isWritable() }
  })
}

/**
 * Admin: GET /v1/whitelist, GET/PUT/DELETE /v1/whitelist/:name. Enforced by admit only when
 * AUTH_WHITELIST is on; ops are always allowed.
 */
import type { FastifyInstance } from 'fastify'
import { AuthPaths } from '#shared/auth-api.ts'
import type { AuthContext } from '../auth-context.ts'
import { registerNameList } from './name-list.ts'

/** Registers the whitelist endpoints. */
export function registerWhitelist (app: FastifyInstance, ctx: AuthContext): void {
  registerNameList(app, ctx, AuthPaths.whitelist, {
    has: async (name) => await ctx.store.isWhitelisted(name),
    set: async (name, enabled) => { await ctx.store.setWhitelisted(name, enabled) },
    list: async () => await ctx.store.listWhitelist()
  })
}

/**
 * Admin: GET /v1/ops, GET/PUT/DELETE /v1/ops/:name. A change publishes OpChanged for the uuid
 * last seen under that name, so the gateway updates the player's permission level live.
 */
import type { FastifyInstance } from 'fastify'
import { AuthPaths } from '#shared/auth-api.ts'
import type { AuthContext } from '../auth-context.ts'
import { registerNameList } from './name-list.ts'

/** Registers the op endpoints. */
export function registerOps (app: FastifyInstance, ctx: AuthContext): void {
  registerNameList(app, ctx, AuthPaths.ops, {
    has: async (name) => await ctx.store.isOp(name),
    set: async (name, enabled) => { await ctx.store.setOp(name, enabled) },
    list: async () => await ctx.store.listOps(),
    changed: async (name, enabled) => {
      const uuid = await ctx.store.findPlayer(name)
      if (uuid !== null) await ctx.store.publish({ type: 'OpChanged', uuid, op: enabled })
    }
  })
}

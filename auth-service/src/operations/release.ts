/**
 * POST /v1/release: the player left; free the account's session only if it is still the one
 * this gateway holds (compare-and-delete, atomic in the store), so a late release never ends
 * the session of a newer login.
 */
import type { FastifyInstance } from 'fastify'
import { AuthPaths, type ReleaseResponse } from '#shared/auth-api.ts'
import type { AuthContext } from '../auth-context.ts'
import { objectBody, stringField, uuidField } from '../validate.ts'

/** Registers POST /v1/release. */
export function registerRelease (app: FastifyInstance, ctx: AuthContext): void {
  app.post(AuthPaths.release, async (request): Promise<ReleaseResponse> => {
    const body = objectBody(request.body)
    const uuid = uuidField(body)
    const sessionId = stringField(body, 'sessionId', 128)
    if (ctx.provisional.drop(uuid, sessionId)) return { released: true }
    return { released: await ctx.store.releaseSession(uuid, sessionId) }
  })
}

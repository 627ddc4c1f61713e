/**
 * POST /v1/heartbeat: the gateway is alive and still holds these sessions. Renewal extends
 * their TTL; sessions of a gateway that stops beating expire after AUTH_SESSION_TTL_S, so a
 * dead gateway cannot keep accounts "online" forever.
 */
import type { FastifyInstance } from 'fastify'
import { AuthPaths, type HeartbeatResponse } from '#shared/auth-api.ts'
import type { AuthContext } from '../auth-context.ts'
import { gatewayIdField, objectBody, stringArrayField } from '../validate.ts'

/** Most sessions one heartbeat may carry. */
const MAX_SESSIONS_PER_HEARTBEAT = 10_000

/** Registers POST /v1/heartbeat. */
export function registerHeartbeat (app: FastifyInstance, ctx: AuthContext): void {
  app.post(AuthPaths.heartbeat, async (request): Promise<HeartbeatResponse> => {
    const body = objectBody(request.body)
    const gatewayId = gatewayIdField(body)
    const sessionIds = stringArrayField(body, 'sessionIds', MAX_SESSIONS_PER_HEARTBEAT)
    const pendingHere = ctx.provisional.touch(sessionIds)
    const renewed = await ctx.store.renewSessions(gatewayId, sessionIds, ctx.config.sessionTtlMs)
    return { renewed: renewed + pendingHere }
  })
}

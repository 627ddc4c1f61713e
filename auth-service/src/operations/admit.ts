/**
 * POST /v1/admit: may this player join through this gateway? Reads (bans, whitelist, ops,
 * account) tolerate a failover and may be slightly stale; the one-session-per-account claim
 * needs the primary and is atomic there. When it cannot be written, AUTH_FAILOVER_ADMIT decides:
 * admit provisionally (reconciled later) or refuse with AUTH_STORE_UNAVAILABLE.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { AuthPaths, type AdmitResponse, type Ban } from '#shared/auth-api.ts'
import { ErrorCodes, hasCode, type ErrorCode } from '#shared/errors.ts'
import type { AuthContext } from '../auth-context.ts'
import type { SessionRecord } from '../store/auth-store.ts'
import { addressField, gatewayIdField, objectBody, usernameField, uuidField } from '../validate.ts'

function refused (code: ErrorCode, detail?: string): AdmitResponse {
  return { admitted: false, code, reason: detail === undefined ? ErrorCodes[code] : `${ErrorCodes[code]}: ${detail}` }
}

/** The ban in force that matches, preferring a permanent one. */
function activeBan (bans: readonly Ban[], now: number): Ban | undefined {
  const active = bans.filter((ban) => ban.expiresAt === undefined || ban.expiresAt > now)
  return active.find((ban) => ban.expiresAt === undefined) ?? active[0]
}

function banDetail (ban: Ban): string {
  return ban.expiresAt === undefined ? ban.reason : `${ban.reason} (until ${new Date(ban.expiresAt).toISOString()})`
}

/** Registers POST /v1/admit. */
export function registerAdmit (app: FastifyInstance, ctx: AuthContext): void {
  app.post(AuthPaths.admit, async (request): Promise<AdmitResponse> => {
    const body = objectBody(request.body)
    const username = usernameField(body)
    const uuid = uuidField(body)
    const address = addressField(body)
    const gatewayId = gatewayIdField(body)
    const log = request.log.child({ uuid, username, gatewayId })

    try {
      await ctx.guard.attempt('admit-address', address)
      await ctx.guard.attempt('admit-account', uuid)
    } catch (err) {
      if (hasCode(err, 'AUTH_RATE_LIMITED')) return refused('AUTH_RATE_LIMITED')
      throw err
    }

    const facts = await ctx.store.readAdmission({ uuid, username, address })
    const now = ctx.clock.now()
    const ban = activeBan(facts.bans, now)
    if (ban !== undefined) return refused('AUTH_BANNED', banDetail(ban))
    // AUTH_OPS count even if seeding them into the store failed at start.
    const op = facts.op || ctx.config.ops.some((name) => name.toLowerCase() === username.toLowerCase())
    if (ctx.config.whitelist && !facts.whitelisted && !op) return refused('AUTH_NOT_WHITELISTED')

    const session: SessionRecord = { sessionId: randomUUID(), uuid, username, gatewayId, address, createdAt: now }
    try {
      const claim = await ctx.store.claimSession(session, ctx.config.duplicateLogin, ctx.config.sessionTtlMs, ErrorCodes.AUTH_DUPLICATE_LOGIN)
      if (!claim.claimed) return refused('AUTH_ALREADY_ONLINE')
      if (claim.replaced !== null) log.info({ replaced: claim.replaced.sessionId }, 'duplicate login: older session revoked')
    } catch (err) {
      if (!hasCode(err, 'AUTH_STORE_UNAVAILABLE') || ctx.config.failoverAdmit === 'refuse') throw err
      // Availability over consistency during a failover: the best check left is the (possibly
      // stale) session a replica reports.
      if (ctx.config.duplicateLogin === 'refuse-new' && facts.session !== null) return refused('AUTH_ALREADY_ONLINE')
      ctx.provisional.add(session)
    }

    // Best effort: lets an op change reach the player by name (OpChanged carries the uuid).
    ctx.store.rememberPlayer(username, uuid).catch((err: unknown) => { log.debug({ err }, 'could not remember player name') })

    const needsPassword = !ctx.config.offlineAccounts ? 'none' : facts.account === null ? 'register' : 'login'
    return { admitted: true, sessionId: session.sessionId, op, needsPassword }
  })
}

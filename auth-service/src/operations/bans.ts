/**
 * Admin: GET/POST/DELETE /v1/bans. A ban is keyed by (kind, value); a new ban is a durable
 * write that also publishes PlayerBanned, so every gateway kicks the player if online.
 */
import { isIP } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { AuthPaths, type Ban, type BanList } from '#shared/auth-api.ts'
import { isValidUsername, toPlayerId } from '#shared/ids.ts'
import { TesseraError } from '#shared/errors.ts'
import type { AuthContext } from '../auth-context.ts'
import { badRequest } from '../http-errors.ts'
import { canonicalAddress, objectBody, stringField } from '../validate.ts'

const KINDS: ReadonlyArray<Ban['kind']> = ['uuid', 'name', 'address']

/** Checks and canonicalises the target of a ban. */
function banTarget (source: Record<string, unknown>): { kind: Ban['kind'], value: string } {
  const kind = source.kind
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) throw badRequest('kind: expected uuid, name or address')
  const value = stringField(source, 'value', 64)
  if (kind === 'uuid') {
    try {
      return { kind, value: toPlayerId(value) }
    } catch {
      throw badRequest('value: expected a UUID')
    }
  }
  if (kind === 'name') {
    if (!isValidUsername(value)) throw badRequest('value: expected a Minecraft username')
    return { kind, value }
  }
  if (isIP(value) === 0) throw badRequest('value: expected an IP address')
  return { kind: 'address', value: canonicalAddress(value) }
}

/** Registers the ban endpoints. */
export function registerBans (app: FastifyInstance, ctx: AuthContext): void {
  const admin = { preHandler: ctx.requireAdmin }

  app.get(AuthPaths.bans, admin, async (): Promise<BanList> => {
    const now = ctx.clock.now()
    return { bans: (await ctx.store.listBans()).filter((ban) => ban.expiresAt === undefined || ban.expiresAt > now) }
  })

  app.post(AuthPaths.bans, admin, async (request, reply): Promise<Ban> => {
    const body = objectBody(request.body)
    const target = banTarget(body)
    const reason = stringField(body, 'reason', 256)
    const now = ctx.clock.now()
    const expiresAt = body.expiresAt
    if (expiresAt !== undefined && (typeof expiresAt !== 'number' || !Number.isSafeInteger(expiresAt) || expiresAt <= now)) {
      throw badRequest('expiresAt: expected a future time in milliseconds since the epoch')
    }
    const ban: Ban = expiresAt === undefined ? { ...target, reason, createdAt: now } : { ...target, reason, expiresAt, createdAt: now }
    await ctx.store.addBan(ban)
    request.log.info({ ban }, 'ban added')
    void reply.code(201)
    return ban
  })

  app.delete(AuthPaths.bans, admin, async (request): Promise<{ removed: true }> => {
    // DELETE bodies are optional in HTTP, so the target may come in the query string.
    const source = request.body !== undefined && request.body !== null ? objectBody(request.body) : objectBody(request.query)
    const target = banTarget(source)
    if (!await ctx.store.removeBan(target.kind, target.value)) throw new TesseraError('AUTH_NOT_FOUND', `no ban on ${target.kind} ${target.value}`)
    request.log.info(target, 'ban lifted')
    return { removed: true }
  })
}

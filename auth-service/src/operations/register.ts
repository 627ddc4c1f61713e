/**
 * POST /v1/accounts/register: creates an offline-mode account. The account is one record
 * written only if absent (durable, confirmed by a replica). Idempotent: a retry after an
 * unknown outcome finds its own account (the same password verifies) and counts as success.
 */
import type { FastifyInstance } from 'fastify'
import { AuthPaths, type AccountOk } from '#shared/auth-api.ts'
import { TesseraError } from '#shared/errors.ts'
import type { AuthContext } from '../auth-context.ts'
import { checkPasswordRules, hashPassword, verifyPassword } from '../passwords.ts'
import { readPasswordRequest } from './password-request.ts'

/** Registers POST /v1/accounts/register. */
export function registerRegister (app: FastifyInstance, ctx: AuthContext): void {
  app.post(AuthPaths.register, async (request): Promise<AccountOk> => {
    const req = await readPasswordRequest(request, ctx)
    checkPasswordRules(req.password)
    const now = ctx.clock.now()
    const hash = await hashPassword(req.password, ctx.config.scryptCost)
    const result = await ctx.store.createAccount({ uuid: req.uuid, username: req.username, ...hash, createdAt: now, updatedAt: now })
    if (result.created) {
      request.log.info({ uuid: req.uuid, username: req.username }, 'account registered')
      return { ok: true }
    }
    if (!await verifyPassword(req.password, result.existing)) throw new TesseraError('AUTH_ALREADY_REGISTERED')
    await ctx.store.confirmAccount(result.existing)
    return { ok: true }
  })
}

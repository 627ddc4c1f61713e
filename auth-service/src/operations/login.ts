/**
 * POST /v1/accounts/login: checks an offline-mode account's password. Everything it needs is a
 * read, so it keeps working from a replica during a failover; wrong passwords count towards a
 * lockout (AUTH_LOCKOUT_ATTEMPTS in a row lock the account for AUTH_LOCKOUT_S).
 */
import type { FastifyInstance } from 'fastify'
import { AuthPaths, type AccountOk } from '#shared/auth-api.ts'
import { TesseraError } from '#shared/errors.ts'
import type { AuthContext } from '../auth-context.ts'
import { verifyPassword } from '../passwords.ts'
import { readPasswordRequest } from './password-request.ts'

/** Registers POST /v1/accounts/login. */
export function registerLogin (app: FastifyInstance, ctx: AuthContext): void {
  app.post(AuthPaths.login, async (request): Promise<AccountOk> => {
    const req = await readPasswordRequest(request, ctx)
    const failures = await ctx.guard.checkLockout(req.uuid)
    const account = await ctx.store.getAccount(req.uuid)
    if (account === null) throw new TesseraError('AUTH_NOT_REGISTERED')
    if (!await verifyPassword(req.password, account)) return await ctx.guard.wrongPassword(req.uuid)
    await ctx.guard.rightPassword(req.uuid, failures)
    return { ok: true }
  })
}

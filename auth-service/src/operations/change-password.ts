/**
 * POST /v1/accounts/password: replaces the password after checking the current one. The new
 * record replaces the old only if the stored hash is still the one checked (compare-and-set,
 * durable). Idempotent: a retry whose first attempt already landed finds newPassword
 * verifying and counts as success.
 */
import type { FastifyInstance } from 'fastify'
import { AuthPaths, type AccountOk } from '#shared/auth-api.ts'
import { TesseraError } from '#shared/errors.ts'
import type { AuthContext } from '../auth-context.ts'
import { checkPasswordRules, hashPassword, verifyPassword } from '../passwords.ts'
import type { AccountRecord } from '../store/auth-store.ts'
import { readPasswordRequest } from './password-request.ts'

/** Registers POST /v1/accounts/password. */
export function registerChangePassword (app: FastifyInstance, ctx: AuthContext): void {
  app.post(AuthPaths.changePassword, async (request): Promise<AccountOk> => {
    const req = await readPasswordRequest(request, ctx, true)
    const newPassword = req.newPassword ?? ''
    checkPasswordRules(newPassword, 'newPassword')
    const failures = await ctx.guard.checkLockout(req.uuid)
    const account = await ctx.store.getAccount(req.uuid)
    if (account === null) throw new TesseraError('AUTH_NOT_REGISTERED')

    const alreadyChanged = async (current: AccountRecord): Promise<boolean> => {
      if (!await verifyPassword(newPassword, current)) return false
      await ctx.store.confirmAccount(current)
      return true
    }

    if (!await verifyPassword(req.password, account)) {
      if (await alreadyChanged(account)) return { ok: true }
      return await ctx.guard.wrongPassword(req.uuid)
    }
    await ctx.guard.rightPassword(req.uuid, failures)
    const hash = await hashPassword(newPassword, ctx.config.scryptCost)
    const result = await ctx.store.replaceAccount({ ...account, ...hash, username: req.username, updatedAt: ctx.clock.now() }, account.hash)
    if (result.replaced) {
      request.log.info({ uuid: req.uuid }, 'password changed')
      return { ok: true }
    }
    // Someone changed it between our read and write.
    if (result.current !== null && await alreadyChanged(result.current)) return { ok: true }
    throw new TesseraError('AUTH_WRONG_PASSWORD', 'the password changed meanwhile')
  })
}

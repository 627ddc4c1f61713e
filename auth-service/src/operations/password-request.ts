/**
 * The body shared by the account operations, checked once, and the per-address attempt limit
 * every one of them counts against.
 */
import type { FastifyRequest } from 'fastify'
import type { AuthContext } from '../auth-context.ts'
import { addressField, objectBody, stringField, usernameField, uuidField } from '../validate.ts'

/** A checked PasswordRequest (and newPassword, when present). */
export interface CheckedPasswordRequest {
  readonly uuid: string
  readonly username: string
  readonly address: string
  readonly password: string
  readonly newPassword: string | undefined
}

/** Parses the body and counts the attempt against the address (AUTH_RATE_LIMITED when over). */
export async function readPasswordRequest (request: FastifyRequest, ctx: AuthContext, withNewPassword = false): Promise<CheckedPasswordRequest> {
  const body = objectBody(request.body)
  const checked: CheckedPasswordRequest = {
    uuid: uuidField(body),
    username: usernameField(body),
    address: addressField(body),
    password: stringField(body, 'password', 1024),
    newPassword: withNewPassword ? stringField(body, 'newPassword', 1024) : undefined
  }
  await ctx.guard.attempt('password-address', checked.address)
  return checked
}

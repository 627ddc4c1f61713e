/**
 * Bearer-token check for the admin endpoints. Both sides are hashed first so the comparison
 * is constant-time whatever the lengths.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { TesseraError } from '#shared/errors.ts'

/** Returns a fastify preHandler that refuses requests without `Authorization: Bearer <token>`. */
export function requireAdmin (token: string): (request: FastifyRequest) => Promise<void> {
  const expected = createHash('sha256').update(token).digest()
  return async (request) => {
    await Promise.resolve()
    const header = request.headers.authorization ?? ''
    const match = /^Bearer (.+)$/.exec(header)
    const given = createHash('sha256').update(match?.[1] ?? '').digest()
    if (match === null || !timingSafeEqual(given, expected)) throw new TesseraError('AUTH_UNAUTHORIZED')
  }
}

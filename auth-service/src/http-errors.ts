/**
 * One table from error code to HTTP status, and the fastify handlers that turn any thrown
 * error into an ApiError body with a stable code (fastify's error-catalogue style).
 */
import type { FastifyError, FastifyInstance } from 'fastify'
import type { ApiError } from '#shared/auth-api.ts'
import { ErrorCodes, TesseraError, type ErrorCode } from '#shared/errors.ts'

/** HTTP status of each AUTH_ code an endpoint may answer with. */
export const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  AUTH_BAD_REQUEST: 400,
  AUTH_UNAUTHORIZED: 401,
  AUTH_BANNED: 403,
  AUTH_NOT_WHITELISTED: 403,
  AUTH_WRONG_PASSWORD: 403,
  AUTH_NOT_FOUND: 404,
  AUTH_NOT_REGISTERED: 404,
  AUTH_ALREADY_ONLINE: 409,
  AUTH_ALREADY_REGISTERED: 409,
  AUTH_LOCKED_OUT: 423,
  AUTH_RATE_LIMITED: 429,
  AUTH_INTERNAL: 500,
  AUTH_STORE_UNAVAILABLE: 503
}

/** Shorthand for a 400 with the offending detail. */
export function badRequest (detail: string): TesseraError {
  return new TesseraError('AUTH_BAD_REQUEST', detail)
}

/** Installs the error and not-found handlers on app. */
export function installErrorHandlers (app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | TesseraError, request, reply) => {
    let status: number
    let body: ApiError
    if (err instanceof TesseraError) {
      status = STATUS_BY_CODE[err.code] ?? 500
      body = { error: err.code, message: err.playerMessage }
    } else if (err.validation !== undefined || (err.statusCode ?? 500) < 500) {
      status = 400
      body = { error: 'AUTH_BAD_REQUEST', message: `${ErrorCodes.AUTH_BAD_REQUEST}: ${err.message}` }
    } else {
      status = 500
      body = { error: 'AUTH_INTERNAL', message: ErrorCodes.AUTH_INTERNAL }
    }
    // A store outage is expected during a failover: one line, no stack.
    if (status === 503) request.log.warn({ code: body.error, detail: err.message, url: request.url }, 'store unavailable')
    else if (status >= 500) request.log.error({ err, url: request.url }, 'request failed')
    else request.log.debug({ code: body.error, url: request.url }, 'request refused')
    if (status === 401) void reply.header('www-authenticate', 'Bearer')
    const retryAfterS = (err as { retryAfterS?: unknown }).retryAfterS
    if (typeof retryAfterS === 'number') void reply.header('retry-after', String(retryAfterS))
    void reply.code(status).send(body)
  })
  app.setNotFoundHandler((request, reply) => {
    const body: ApiError = { error: 'AUTH_NOT_FOUND', message: `${ErrorCodes.AUTH_NOT_FOUND}: ${request.method} ${request.url}` }
    void reply.code(404).send(body)
  })
}

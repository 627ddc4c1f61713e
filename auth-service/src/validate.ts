/**
 * Request-body checks at the edge: every operation turns `unknown` JSON into typed, canonical
 * values here or answers 400 AUTH_BAD_REQUEST.
 */
import { isIP } from 'node:net'
import { isValidUsername, toGatewayId, toPlayerId, type GatewayId, type PlayerId } from '#shared/ids.ts'
import { badRequest } from './http-errors.ts'

/** The body as a record, or 400. */
export function objectBody (body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('expected a JSON object body')
  return body as Record<string, unknown>
}

/** A string field of 1..max characters. */
export function stringField (body: Record<string, unknown>, name: string, max = 256): string {
  const value = body[name]
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw badRequest(`${name}: expected a string of 1 to ${max} characters`)
  return value
}

/** A valid Minecraft username. */
export function usernameField (body: Record<string, unknown>, name = 'username'): string {
  const value = body[name]
  if (typeof value !== 'string' || !isValidUsername(value)) throw badRequest(`${name}: expected 3-16 characters of A-Z, a-z, 0-9 and _`)
  return value
}

/** A UUID, canonicalised to the dashed lower-case form. */
export function uuidField (body: Record<string, unknown>, name = 'uuid'): PlayerId {
  const value = body[name]
  if (typeof value !== 'string') throw badRequest(`${name}: expected a UUID`)
  try {
    return toPlayerId(value)
  } catch {
    throw badRequest(`${name}: expected a UUID`)
  }
}

/** An IPv4 or IPv6 address (an IPv4-mapped IPv6 address is unwrapped). */
export function addressField (body: Record<string, unknown>, name = 'address'): string {
  const value = body[name]
  if (typeof value !== 'string' || isIP(value) === 0) throw badRequest(`${name}: expected an IP address`)
  return canonicalAddress(value)
}

/** Lower-cases IPv6 and unwraps `::ffff:1.2.3.4`, so one client has one address. */
export function canonicalAddress (address: string): string {
  const lower = address.toLowerCase()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
  return mapped === null ? lower : mapped[1]!
}

/** A gateway id. */
export function gatewayIdField (body: Record<string, unknown>, name = 'gatewayId'): GatewayId {
  const value = body[name]
  if (typeof value !== 'string') throw badRequest(`${name}: expected a gateway id`)
  try {
    return toGatewayId(value)
  } catch {
    throw badRequest(`${name}: expected a gateway id`)
  }
}

/** An array of at most max short strings. */
export function stringArrayField (body: Record<string, unknown>, name: string, max: number): string[] {
  const value = body[name]
  if (!Array.isArray(value) || value.length > max || !value.every((item) => typeof item === 'string' && item.length > 0 && item.length <= 128)) {
    throw badRequest(`${name}: expected an array of at most ${max} ids`)
  }
  return value as string[]
}

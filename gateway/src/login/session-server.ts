/**
 * The session server check of online-mode login, owned here because minecraft-protocol has no
 * server-side option for the base URL (tests point it at a local stand-in).
 * https://minecraft.wiki/w/Java_Edition_protocol/Encryption#Server
 */
import { createHash } from 'node:crypto'
import { TesseraError } from '#shared/errors.ts'
import { toPlayerId, type PlayerId } from '#shared/ids.ts'
import type { ProfileProperty } from '#shared/world-messages.ts'

/** The profile the session server vouches for. */
export interface VerifiedProfile { readonly id: PlayerId, readonly name: string, readonly properties: readonly ProfileProperty[] }

/** Minecraft's server hash: SHA-1 as a signed two's-complement hex number. */
export function minecraftServerHash (serverId: string, sharedSecret: Buffer, publicKeyDer: Buffer): string {
  const digest = createHash('sha1').update(serverId, 'latin1').update(sharedSecret).update(publicKeyDer).digest()
  const negative = (digest[0]! & 0x80) !== 0
  let value = BigInt(`0x${digest.toString('hex')}`)
  if (negative) value -= 1n << 160n
  return value.toString(16)
}

/** Asks the session server whether `username` joined with this server hash. */
export async function hasJoined (baseUrl: string, username: string, serverHash: string, timeoutMs = 5000): Promise<VerifiedProfile> {
  const url = `${baseUrl}/session/minecraft/hasJoined?username=${encodeURIComponent(username)}&serverId=${encodeURIComponent(serverHash)}`
  let response: Response
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  } catch (err) {
    throw new TesseraError('GW_SESSION_SERVER_DOWN', undefined, { cause: err })
  }
  if (response.status >= 500) throw new TesseraError('GW_SESSION_SERVER_DOWN', `HTTP ${response.status}`)
  if (response.status !== 200) throw new TesseraError('GW_SESSION_VERIFY_FAILED', `HTTP ${response.status}`)
  let body: { id?: unknown, name?: unknown, properties?: unknown }
  try {
    body = await response.json() as typeof body
  } catch (err) {
    throw new TesseraError('GW_SESSION_VERIFY_FAILED', 'unreadable profile', { cause: err })
  }
  if (typeof body.id !== 'string' || typeof body.name !== 'string' || body.name !== username) {
    throw new TesseraError('GW_SESSION_VERIFY_FAILED', 'profile does not match')
  }
  const properties = Array.isArray(body.properties)
    ? (body.properties as Array<Record<string, unknown>>).filter((p) => typeof p.name === 'string' && typeof p.value === 'string').map((p) => ({
        name: p.name as string,
        value: p.value as string,
        ...(typeof p.signature === 'string' ? { signature: p.signature } : {})
      }))
    : []
  return { id: toPlayerId(body.id), name: body.name, properties }
}

/**
 * The end of login, shared by offline and online mode: ask auth-service to admit the player,
 * turn on compression, send Login Success and wait for the acknowledgement.
 * https://minecraft.wiki/w/Java_Edition_protocol/Packets#Login_Success
 */
import { TesseraError } from '#shared/errors.ts'
import type { ClientConnection, LoginIdentity } from '../connection/client-connection.ts'

/** Admits the player and finishes the login state. */
export async function completeLogin (client: ClientConnection, identity: LoginIdentity): Promise<void> {
  const { ctx } = client
  client.identity = identity
  const admission = await ctx.auth.admit({
    username: identity.username,
    uuid: identity.playerId,
    address: client.protocol.remoteAddress,
    gatewayId: ctx.config.id,
    properties: identity.properties
  })
  if (client.closed) {
    if (admission.admitted) await ctx.auth.release({ uuid: identity.playerId, sessionId: admission.sessionId })
    return
  }
  if (!admission.admitted) {
    client.log.info({ code: admission.code }, 'login refused: %s', admission.reason)
    client.disconnect(admission.reason)
    return
  }
  client.sessionId = admission.sessionId
  client.op = admission.op
  client.needsPassword = admission.needsPassword
  client.onClose(() => { ctx.releaseSession(identity, admission.sessionId) })
  // The same account on this gateway is kicked here at once; other gateways hear it from auth-service.
  await ctx.players.replace(identity.playerId, client)
  if (client.closed) return
  if (ctx.config.compressionThreshold >= 0) {
    client.write('compress', { threshold: ctx.config.compressionThreshold })
    client.protocol.enableCompression(ctx.config.compressionThreshold)
  }
  client.write('success', { uuid: identity.playerId, username: identity.username, properties: identity.properties })
  client.log.info({ uuid: identity.playerId, online: ctx.config.onlineMode }, 'logged in')
}

/** Thrown when a packet arrives before login produced an identity. */
export function requireIdentity (client: ClientConnection): NonNullable<ClientConnection['identity']> {
  if (client.identity === undefined) throw new TesseraError('GW_UNEXPECTED_PACKET', 'not logged in')
  return client.identity
}

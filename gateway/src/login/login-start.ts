/**
 * Login Start: validate the name, then either ask for encryption (online mode) or settle the
 * offline identity at once.
 * https://minecraft.wiki/w/Java_Edition_protocol/Packets#Login_Start
 */
import { randomBytes } from 'node:crypto'
import { TesseraError } from '#shared/errors.ts'
import { isValidUsername } from '#shared/ids.ts'
import type { PacketHandler } from '../connection/client-connection.ts'
import { adapt } from '../protocol/serverbound.ts'
import { completeLogin } from './complete-login.ts'
import { offlinePlayerId } from './offline-uuid.ts'

/** Starts login; online mode continues in encryption-begin.ts. */
export const loginStart: PacketHandler = async (client, packet) => {
  const { username } = adapt.login_start(packet.params)
  if (!isValidUsername(username)) throw new TesseraError('GW_BAD_USERNAME', JSON.stringify(username))
  client.log = client.log.child({ player: username })
  if (client.ctx.config.onlineMode) {
    const verifyToken = randomBytes(4)
    client.pendingLogin = { username, verifyToken }
    client.write('encryption_begin', { serverId: '', publicKey: client.ctx.keys.publicKeyDer, verifyToken, shouldAuthenticate: true })
    return
  }
  await completeLogin(client, { username, playerId: offlinePlayerId(username), properties: [] })
}

/**
 * Encryption Response: check the verify token, switch on AES/CFB8, then have the session server
 * vouch for the player.
 * https://minecraft.wiki/w/Java_Edition_protocol/Encryption
 */
import { constants, privateDecrypt } from 'node:crypto'
import { TesseraError } from '#shared/errors.ts'
import type { PacketHandler } from '../connection/client-connection.ts'
import { adapt } from '../protocol/serverbound.ts'
import { completeLogin } from './complete-login.ts'
import { minecraftServerHash } from './session-server.ts'

/** Verifies the client's key exchange and its Mojang session. */
export const encryptionBegin: PacketHandler = async (client, packet) => {
  const pending = client.pendingLogin
  if (pending === undefined) throw new TesseraError('GW_UNEXPECTED_PACKET', 'encryption response before login start')
  client.pendingLogin = undefined
  const response = adapt.encryption_begin(packet.params)
  let sharedSecret: Buffer
  let verifyToken: Buffer
  try {
    const key = { key: client.ctx.keys.privateKey, padding: constants.RSA_PKCS1_PADDING }
    sharedSecret = privateDecrypt(key, response.sharedSecret)
    verifyToken = privateDecrypt(key, response.verifyToken)
  } catch (err) {
    throw new TesseraError('GW_ENCRYPTION_FAILED', 'cannot decrypt', { cause: err })
  }
  if (!verifyToken.equals(pending.verifyToken)) throw new TesseraError('GW_ENCRYPTION_FAILED', 'verify token mismatch')
  if (sharedSecret.length !== 16) throw new TesseraError('GW_ENCRYPTION_FAILED', 'shared secret is not 16 bytes')
  client.protocol.enableEncryption(sharedSecret)
  const hash = minecraftServerHash('', sharedSecret, client.ctx.keys.publicKeyDer)
  const profile = await client.ctx.sessionServer.hasJoined(pending.username, hash)
  await completeLogin(client, { username: profile.name, playerId: profile.id, properties: profile.properties })
}

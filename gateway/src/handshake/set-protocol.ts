/**
 * Handshake: the client names its protocol version and whether it wants status or login.
 * https://minecraft.wiki/w/Java_Edition_protocol/Packets#Handshake
 */
import { TesseraError } from '#shared/errors.ts'
import type { PacketHandler } from '../connection/client-connection.ts'
import { adapt } from '../protocol/serverbound.ts'

const STATUS = 1
const LOGIN = 2
const TRANSFER = 3

/** Moves to status or login; refuses a login from another game version with a readable reason. */
export const setProtocol: PacketHandler = (client, packet) => {
  const hello = adapt.set_protocol(packet.params)
  if (hello.nextState === STATUS) {
    client.transition('status')
    return
  }
  if (hello.nextState !== LOGIN && hello.nextState !== TRANSFER) throw new TesseraError('GW_BAD_PACKET', `next state ${hello.nextState}`)
  client.transition('login')
  if (hello.protocolVersion !== client.ctx.protocolVersion) {
    throw new TesseraError('GW_WRONG_VERSION', `this server runs ${client.ctx.config.version}`)
  }
}

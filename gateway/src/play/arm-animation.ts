/** Swing Arm: shown to every player who sees this one. */
import { WorldCommand } from '#shared/world-messages.ts'
import type { PacketHandler } from '../connection/client-connection.ts'
import { adapt } from '../protocol/serverbound.ts'
import { sessionOf } from './session-of.ts'

/** Forwards the swing. */
export const armAnimation: PacketHandler = (client, packet) => {
  const { hand } = adapt.arm_animation(packet.params)
  const session = sessionOf(client)
  if (session === undefined) return
  session.send({ type: WorldCommand.SwingArm, playerId: session.playerId, hand })
}

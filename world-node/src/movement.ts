/**
 * Movement with server-side sanity checks. An impossible move (too far in one packet, not a
 * number, outside the world) is answered with a correction back to the last good position:
 * a teleport back, never a kick.
 */
import { WorldFact, type MovePlayer } from '#shared/world-messages.ts'
import type { OnlinePlayer } from './players.ts'
import type { World } from './world.ts'

/** Largest accepted move per packet, squared (10 blocks). */
export const MAX_MOVE_SQUARED = 100
/** Coordinates beyond this are outside the world border. */
export const MAX_COORDINATE = 30_000_000

/** Why no player may be at x, y, z, or null when the position is inside the world. */
export function outsideWorld (world: World, x: number, y: number, z: number): string | null {
  if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) return 'non-finite coordinate'
  if (Math.abs(x) > MAX_COORDINATE || Math.abs(y) > MAX_COORDINATE || Math.abs(z) > MAX_COORDINATE) return 'outside the world'
  if (y < world.game.minY - 64) return 'below the void'
  return null
}

/** Why a move is impossible, or null when it is acceptable. */
export function impossibleMove (world: World, player: OnlinePlayer, x: number, y: number, z: number): string | null {
  const outside = outsideWorld(world, x, y, z)
  if (outside !== null) return outside
  const d2 = (x - player.x) ** 2 + (y - player.y) ** 2 + (z - player.z) ** 2
  if (d2 > MAX_MOVE_SQUARED) return 'moved too far'
  return null
}

/** MovePlayer: accept the new position and look, or correct the client. */
export function movePlayer (world: World, player: OnlinePlayer, command: MovePlayer): void {
  // Moves queued after a correction in the same tick were sent before the client saw it.
  if (player.correctedThisTick) return
  const x = command.x ?? player.x
  const y = command.y ?? player.y
  const z = command.z ?? player.z
  const yaw = command.yaw ?? player.yaw
  const pitch = command.pitch ?? player.pitch
  const problem = impossibleMove(world, player, x, y, z) ?? (Number.isFinite(yaw) && Number.isFinite(pitch) ? null : 'non-finite angle')
  if (problem !== null) {
    world.log.debug({ player: player.profile.name, problem, x, y, z }, 'correcting impossible move')
    player.correctedThisTick = true
    world.links.send(player.connection, {
      type: WorldFact.PlayerPositionSet,
      playerId: player.id,
      reason: 'correction',
      x: player.x,
      y: player.y,
      z: player.z,
      yaw: player.yaw,
      pitch: player.pitch
    })
    return
  }
  if (x === player.x && y === player.y && z === player.z && yaw === player.yaw && pitch === player.pitch && command.onGround === player.onGround) return
  player.x = x
  player.y = y
  player.z = z
  player.yaw = yaw
  player.pitch = pitch
  player.onGround = command.onGround
  player.moved = true
}

/** Moves a player by the server's will (teleport): tells their client, viewers see it at tick end. */
export function teleportPlayer (world: World, player: OnlinePlayer, to: { x: number, y: number, z: number, yaw?: number, pitch?: number }): void {
  player.x = to.x
  player.y = to.y
  player.z = to.z
  player.yaw = to.yaw ?? player.yaw
  player.pitch = to.pitch ?? player.pitch
  player.moved = true
  world.links.send(player.connection, {
    type: WorldFact.PlayerPositionSet,
    playerId: player.id,
    reason: 'teleport',
    x: player.x,
    y: player.y,
    z: player.z,
    yaw: player.yaw,
    pitch: player.pitch
  })
}

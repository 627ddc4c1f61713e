/**
 * Placing the held block against a face of the clicked block. Orientation and block entities
 * are not handled yet: the block's default state is placed.
 * https://minecraft.wiki/w/Java_Edition_protocol#Use_Item_On
 */
import type { PlaceBlock } from '#shared/world-messages.ts'
import { ackBlockChange, changeBlock, reachSquared, revertPrediction, type BlockPosition } from './block-changes.ts'
import { MAX_REACH } from './digging.ts'
import { commitInventory, heldSlot, takeOne } from './inventory.ts'
import { regionAt } from './regions.ts'
import { EYE_HEIGHT, PLAYER_HEIGHT, PLAYER_WIDTH, type OnlinePlayer } from './players.ts'
import type { World } from './world.ts'

/** Offsets of faces 0–5: down, up, north (-z), south (+z), west (-x), east (+x). */
const FACE_OFFSETS: ReadonlyArray<readonly [number, number, number]> = [
  [0, -1, 0], [0, 1, 0], [0, 0, -1], [0, 0, 1], [-1, 0, 0], [1, 0, 0]
]

/** True when a player's bounding box overlaps the unit cube at `at`. */
export function intersectsPlayer (player: OnlinePlayer, at: BlockPosition): boolean {
  const half = PLAYER_WIDTH / 2
  return player.x + half > at.x && player.x - half < at.x + 1 &&
    player.y + PLAYER_HEIGHT > at.y && player.y < at.y + 1 &&
    player.z + half > at.z && player.z - half < at.z + 1
}

/** PlaceBlock: place the held block, or refuse and revert the client's prediction; always acknowledged. */
export function placeBlock (world: World, player: OnlinePlayer, command: PlaceBlock): void {
  const offset = FACE_OFFSETS[command.face]
  if (offset === undefined || ![command.x, command.y, command.z].every(Number.isInteger)) {
    ackBlockChange(world, player, command.sequence)
    return
  }
  const clicked = world.chunks.stateIdAt(command.x, command.y, command.z)
  // Clicking a replaceable block (tall grass, water) places into it, as vanilla does.
  const target: BlockPosition = clicked !== undefined && !world.game.isAir(clicked) && world.game.isReplaceable(clicked)
    ? { x: command.x, y: command.y, z: command.z }
    : { x: command.x + offset[0], y: command.y + offset[1], z: command.z + offset[2] }
  const slot = heldSlot(player, command.hand)
  const problem = placeProblem(world, player, clicked, target, slot)
  if (problem !== null) {
    world.log.debug({ player: player.profile.name, target, problem }, 'place refused')
    revertPrediction(world, player, [target])
    ackBlockChange(world, player, command.sequence)
    return
  }
  const block = world.game.blockByName(player.inventory[slot]?.name ?? '')
  if (block === undefined || !changeBlock(world, target, block.defaultState)) {
    ackBlockChange(world, player, command.sequence)
    return
  }
  if (player.gameMode === 'survival') {
    takeOne(player.inventory, slot)
    commitInventory(world, player, [slot])
  }
  ackBlockChange(world, player, command.sequence)
}

/** Why the held item may not be placed at target, or null. */
function placeProblem (world: World, player: OnlinePlayer, clicked: number | undefined, target: BlockPosition, slot: number): string | null {
  if (player.gameMode === 'adventure' || player.gameMode === 'spectator') return `cannot place in ${player.gameMode}`
  if (clicked === undefined || world.game.isAir(clicked)) return 'nothing to place against'
  const item = player.inventory[slot]
  if (item === null || item === undefined) return 'empty hand'
  const block = world.game.blockByName(item.name)
  if (block === undefined) return 'not a block'
  const current = world.chunks.stateIdAt(target.x, target.y, target.z)
  if (current === undefined) return 'target outside the loaded world'
  // Only the owner of a region writes it: a block across the border belongs to another node.
  if (!world.regions.owns(regionAt(target.x, target.z, world.config.regionSize))) return 'another node owns that region'
  if (!world.game.isReplaceable(current)) return 'target occupied'
  if (reachSquared(player, target, EYE_HEIGHT) > MAX_REACH ** 2) return 'out of reach'
  if (block.boundingBox === 'block') {
    for (const other of world.players.all()) {
      if (other.gameMode !== 'spectator' && intersectsPlayer(other, target)) return 'a player is in the way'
    }
  }
  return null
}

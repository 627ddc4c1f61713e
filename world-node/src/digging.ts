/**
 * Digging. Creative breaks on 'start'; survival breaks on 'finish', or on 'start' for blocks of
 * hardness 0 (vanilla's instant break). Dig time is not enforced yet. Survival drops go straight
 * into the inventory.
 * https://minecraft.wiki/w/Java_Edition_protocol#Player_Action
 */
import type { DigBlock } from '#shared/world-messages.ts'
import { ackBlockChange, changeBlock, reachSquared, revertPrediction } from './block-changes.ts'
import { addItem, commitInventory } from './inventory.ts'
import { regionAt } from './regions.ts'
import { EYE_HEIGHT, type OnlinePlayer } from './players.ts'
import type { World } from './world.ts'

/** Farthest a player may dig or place, from the eyes to the block centre. */
export const MAX_REACH = 6

/** Why this dig may not break the block, or null when it may. */
function digProblem (world: World, player: OnlinePlayer, command: DigBlock, stateId: number | undefined): string | null {
  if (player.gameMode === 'adventure' || player.gameMode === 'spectator') return `cannot dig in ${player.gameMode}`
  if (stateId === undefined) return 'chunk not loaded'
  // Only the owner of a region writes it: a block across the border belongs to another node.
  if (!world.regions.owns(regionAt(command.x, command.z, world.config.regionSize))) return 'another node owns that region'
  if (reachSquared(player, command, EYE_HEIGHT) > MAX_REACH ** 2) return 'out of reach'
  const block = world.game.blockOf(stateId)
  if (block === undefined || world.game.isAir(stateId)) return 'nothing to dig'
  if (block.hardness === null || block.hardness < 0) return 'unbreakable'
  if (block.name === 'water' || block.name === 'lava') return 'fluid'
  return null
}

/** True when this status breaks the block for this player (before the checks). */
function breaksNow (world: World, player: OnlinePlayer, command: DigBlock, stateId: number | undefined): boolean {
  if (command.status === 'cancel') return false
  if (player.gameMode === 'creative') return command.status === 'start'
  if (command.status === 'finish') return true
  return stateId !== undefined && world.game.blockOf(stateId)?.hardness === 0
}

/** DigBlock: break the block, or refuse and revert the client's prediction; always acknowledged. */
export function digBlock (world: World, player: OnlinePlayer, command: DigBlock): void {
  if (![command.x, command.y, command.z].every(Number.isInteger)) {
    ackBlockChange(world, player, command.sequence)
    return
  }
  const stateId = world.chunks.stateIdAt(command.x, command.y, command.z)
  if (!breaksNow(world, player, command, stateId)) {
    ackBlockChange(world, player, command.sequence)
    return
  }
  const problem = digProblem(world, player, command, stateId)
  if (problem !== null || stateId === undefined) {
    world.log.debug({ player: player.profile.name, x: command.x, y: command.y, z: command.z, problem }, 'dig refused')
    revertPrediction(world, player, [command])
    ackBlockChange(world, player, command.sequence)
    return
  }
  changeBlock(world, command, world.game.airStateId)
  if (player.gameMode === 'survival') collectDrops(world, player, stateId)
  ackBlockChange(world, player, command.sequence)
}

/** Puts a broken block's drops into the inventory; what does not fit is lost (no item entities yet). */
function collectDrops (world: World, player: OnlinePlayer, stateId: number): void {
  const changed: number[] = []
  for (const name of world.game.dropsOf(stateId)) {
    const stackSize = world.game.stackSizeOf(name) ?? 64
    const { slots, leftover } = addItem(player.inventory, name, 1, stackSize)
    changed.push(...slots)
    if (leftover > 0) world.log.debug({ player: player.profile.name, item: name }, 'inventory full, drop lost')
  }
  if (changed.length > 0) commitInventory(world, player, changed)
}

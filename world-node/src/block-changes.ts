/**
 * Changing a block: the chunk column and its revision change now; the change is written in the
 * tick's durable batch, and only then do subscribers see BlockChanged and the player the ack.
 */
import { chunkKey } from '#shared/coords.ts'
import { WorldFact } from '#shared/world-messages.ts'
import type { OnlinePlayer } from './players.ts'
import { regionOfKey } from './regions.ts'
import type { World } from './world.ts'

/** A block position. */
export interface BlockPosition { readonly x: number, readonly y: number, readonly z: number }

/** Sets a block in a built chunk; false when the chunk is not in memory. */
export function changeBlock (world: World, at: BlockPosition, stateId: number): boolean {
  if (!world.chunks.setStateId(at.x, at.y, at.z, stateId)) return false
  const chunk = chunkKey(Math.floor(at.x / 16), Math.floor(at.z / 16))
  world.outbox.recordBlockChange({ chunk, x: at.x, y: at.y, z: at.z, stateId })
  world.outbox.afterDurable(() => {
    // A write refused for a stale lease gave the region up: confirm nothing of it.
    if (!world.regions.owns(regionOfKey(chunk, world.config.regionSize))) return
    world.links.sendToEach(world.subscriptions.linksFor(chunk), { type: WorldFact.BlockChanged, chunk, x: at.x, y: at.y, z: at.z, stateId })
  })
  return true
}

/** Acknowledges a dig or place sequence once everything before it is durable. */
export function ackBlockChange (world: World, player: OnlinePlayer, sequence: number): void {
  world.outbox.afterDurable(() => {
    world.links.send(player.connection, { type: WorldFact.BlockChangeAcked, playerId: player.id, sequence })
  })
}

/**
 * Tells only this player's gateway the real state of blocks it predicted wrongly (a refused dig
 * or place), in order with the durable confirmations.
 */
export function revertPrediction (world: World, player: OnlinePlayer, positions: readonly BlockPosition[]): void {
  for (const at of positions) {
    const stateId = world.chunks.stateIdAt(at.x, at.y, at.z)
    if (stateId === undefined) continue
    const chunk = chunkKey(Math.floor(at.x / 16), Math.floor(at.z / 16))
    world.outbox.afterDurable(() => {
      world.links.send(player.connection, { type: WorldFact.BlockChanged, chunk, x: at.x, y: at.y, z: at.z, stateId })
    })
  }
}

/** Distance² from the player's eyes to the centre of a block. */
export function reachSquared (player: OnlinePlayer, at: BlockPosition, eyeHeight: number): number {
  return (at.x + 0.5 - player.x) ** 2 + (at.y + 0.5 - (player.y + eyeHeight)) ** 2 + (at.z + 0.5 - player.z) ** 2
}

/**
 * Where new players appear: on the surface near WORLD_SPAWN_X/Z, on land. When the spawn
 * column is water, rings of growing radius are searched for land.
 */
import type { PlayerSnapshot } from '#shared/world-messages.ts'
import { emptyInventory } from './players.ts'
import type { World } from './world.ts'

const SEARCH_STEP = 4
const SEARCH_RADIUS = 1024

/** The block column new players spawn in. */
export function findSpawnColumn (world: World): { x: number, z: number } {
  const { spawnX, spawnZ } = world.config
  const { terrain } = world
  if (terrain.isLand(spawnX, spawnZ)) return { x: spawnX, z: spawnZ }
  for (let radius = SEARCH_STEP; radius <= SEARCH_RADIUS; radius += SEARCH_STEP) {
    for (let d = -radius; d < radius; d += SEARCH_STEP) {
      const candidates = [
        [spawnX + d, spawnZ - radius], [spawnX + radius, spawnZ + d],
        [spawnX - d, spawnZ + radius], [spawnX - radius, spawnZ - d]
      ] as const
      for (const [x, z] of candidates) if (terrain.isLand(x, z)) return { x, z }
    }
  }
  return { x: spawnX, z: spawnZ }
}

/**
 * y to stand at in column x, z: on the generated surface, raised above anything built there
 * when the chunk is in memory (the generator does not know about stored changes).
 */
export function standingY (world: World, x: number, z: number): number {
  let y = world.terrain.surfaceY(x, z) + 1
  const top = world.game.minY + world.game.worldHeight
  const free = (at: number): boolean => {
    const stateId = world.chunks.stateIdAt(x, at, z)
    return stateId === undefined || world.game.isReplaceable(stateId)
  }
  while (y < top && !(free(y) && free(y + 1))) y++
  return y
}

/** A new player's snapshot: survival, empty inventory, standing on the spawn surface. */
export function newPlayerSnapshot (world: World): PlayerSnapshot {
  const { x, z } = findSpawnColumn(world)
  return {
    x: x + 0.5,
    y: standingY(world, x, z),
    z: z + 0.5,
    yaw: 0,
    pitch: 0,
    onGround: true,
    gameMode: 'survival',
    inventory: emptyInventory(),
    selectedSlot: 0
  }
}

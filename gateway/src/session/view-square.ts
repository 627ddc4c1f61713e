/**
 * The square of chunks a player views, and what changes when its centre moves. Walking one chunk
 * over changes one row of 2r+1 chunks: computing only that, with integer arithmetic, spares the
 * gateway building and comparing (2r+1)² chunk keys on every chunk border a player crosses.
 */
import { type ChunkPos } from '#shared/coords.ts'

/** Chunks that enter and leave the view; `enter` nearest the new centre first. */
export interface ViewChange {
  readonly enter: ChunkPos[]
  readonly leave: ChunkPos[]
}

const inside = (pos: ChunkPos, centre: ChunkPos, radius: number): boolean =>
  Math.abs(pos.x - centre.x) <= radius && Math.abs(pos.z - centre.z) <= radius

/** The change from the square around `from` (none: nothing viewed yet) to the one around `to`. */
export function viewChange (from: ChunkPos | undefined, to: ChunkPos, radius: number): ViewChange {
  const enter: ChunkPos[] = []
  const leave: ChunkPos[] = []
  for (let x = to.x - radius; x <= to.x + radius; x++) {
    for (let z = to.z - radius; z <= to.z + radius; z++) {
      if (from === undefined || !inside({ x, z }, from, radius)) enter.push({ x, z })
    }
  }
  if (from !== undefined) {
    for (let x = from.x - radius; x <= from.x + radius; x++) {
      for (let z = from.z - radius; z <= from.z + radius; z++) {
        if (!inside({ x, z }, to, radius)) leave.push({ x, z })
      }
    }
  }
  enter.sort((a, b) => distance2(a, to) - distance2(b, to))
  return { enter, leave }
}

function distance2 (a: ChunkPos, b: ChunkPos): number {
  return (a.x - b.x) ** 2 + (a.z - b.z) ** 2
}

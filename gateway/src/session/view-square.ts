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

/** The change from the square around `from` (none: nothing viewed yet) to the one around `to`. */
export function viewChange (from: ChunkPos | undefined, to: ChunkPos, radius: number): ViewChange {
  const enter = outside(to, from, radius)
  const leave = from === undefined ? [] : outside(from, to, radius)
  enter.sort((a, b) => distance2(a, to) - distance2(b, to))
  return { enter, leave }
}

/**
 * The chunks of the square around `a` that are not in the square around `b` (all of them when
 * there is no `b`), column by column: a column beside b's square whole, one across it only its
 * ends. The visits are the result's size, not the square's.
 */
function outside (a: ChunkPos, b: ChunkPos | undefined, radius: number): ChunkPos[] {
  const out: ChunkPos[] = []
  const low = a.z - radius
  const high = a.z + radius
  for (let x = a.x - radius; x <= a.x + radius; x++) {
    if (b === undefined || Math.abs(x - b.x) > radius) {
      for (let z = low; z <= high; z++) out.push({ x, z })
      continue
    }
    for (let z = low; z <= Math.min(high, b.z - radius - 1); z++) out.push({ x, z })
    for (let z = Math.max(low, b.z + radius + 1); z <= high; z++) out.push({ x, z })
  }
  return out
}

function distance2 (a: ChunkPos, b: ChunkPos): number {
  return (a.x - b.x) ** 2 + (a.z - b.z) ** 2
}

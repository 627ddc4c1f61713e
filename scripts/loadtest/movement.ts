// Movement patterns: each bot walks on the horizontal plane at its spawn height, one step per
// client tick (20 Hz), never further than the radius from where it spawned.

/** How bots move: random walk, back and forth on a line, fan out to distinct spots, or stand. */
export type MovementPattern = 'random' | 'line' | 'spread' | 'still'

export const MOVEMENT_PATTERNS: readonly MovementPattern[] = ['random', 'line', 'spread', 'still']

/** Blocks per tick: vanilla walking speed is 4.317 blocks/s. */
export const WALK_PER_TICK = 4.317 / 20

/** A horizontal position and facing. */
export interface Heading {
  x: number
  z: number
  yaw: number
}

/** Picks the next position each tick; returns null when the bot stands still this tick. */
export interface Mover {
  step(current: Heading): Heading | null
}

/** Deterministic pseudo-random numbers (mulberry32), so runs are repeatable per bot index. */
export function seededRandom (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function walkToward (current: Heading, tx: number, tz: number): Heading | null {
  const dx = tx - current.x
  const dz = tz - current.z
  const distance = Math.hypot(dx, dz)
  if (distance < 1e-6) return null
  // Minecraft yaw: 0 faces +z, 90 faces -x.
  const yaw = (Math.atan2(-dx, dz) * 180) / Math.PI
  if (distance <= WALK_PER_TICK) return { x: tx, z: tz, yaw }
  return { x: current.x + (dx / distance) * WALK_PER_TICK, z: current.z + (dz / distance) * WALK_PER_TICK, yaw }
}

/** Ticks (5 s) a bot stands after spawning, as a player does while terrain loads; flying-squid
 * teleports a player back to its spawn point once it first stands still after joining. */
export const SPAWN_IDLE_TICKS = 100

/** Stands for a number of ticks, then hands over to the wrapped mover. */
function afterIdle (ticks: number, mover: Mover): Mover {
  let idle = ticks
  return { step: (current) => (idle-- > 0 ? null : mover.step(current)) }
}

/**
 * The mover for bot `index` of `total` around its spawn `origin`. Every bot first stands for
 * SPAWN_IDLE_TICKS. random: walks to random points within the radius, pausing 1-3 s at each;
 * line: walks out along +x to the radius and back, pausing 1 s at each end; spread: walks to its
 * own spot of a sunflower layout filling the disk, then stands; still: never moves.
 * Standing bots send status-only movement packets, as the vanilla client does.
 */
export function createMover (pattern: MovementPattern, origin: Heading, radius: number, index: number, total: number): Mover {
  const random = seededRandom(index * 7919 + 1)
  switch (pattern) {
    case 'still':
      return { step: () => null }
    case 'random': {
      let target = origin
      let pause = 0
      return afterIdle(SPAWN_IDLE_TICKS, {
        step (current) {
          if (pause > 0) { pause--; return null }
          const next = walkToward(current, target.x, target.z)
          if (next !== null) return next
          const angle = random() * 2 * Math.PI
          const r = radius * Math.sqrt(random())
          target = { x: origin.x + r * Math.cos(angle), z: origin.z + r * Math.sin(angle), yaw: 0 }
          pause = 20 + Math.floor(random() * 40)
          return null
        }
      })
    }
    case 'line': {
      let outward = true
      let pause = 0
      return afterIdle(SPAWN_IDLE_TICKS, {
        step (current) {
          if (pause > 0) { pause--; return null }
          const next = walkToward(current, outward ? origin.x + radius : origin.x, origin.z)
          if (next !== null) return next
          outward = !outward
          pause = 20
          return null
        }
      })
    }
    case 'spread': {
      // Golden-angle spiral: even coverage of the disk, so bots need distinct chunks.
      const r = radius * Math.sqrt((index + 0.5) / Math.max(1, total))
      const angle = index * Math.PI * (3 - Math.sqrt(5))
      const tx = origin.x + r * Math.cos(angle)
      const tz = origin.z + r * Math.sin(angle)
      return afterIdle(SPAWN_IDLE_TICKS, { step: (current) => walkToward(current, tx, tz) })
    }
  }
}

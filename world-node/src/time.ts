/**
 * World time: the age advances one per tick; the time of day follows it. The age is kept in the
 * store's meta so time continues after a restart.
 */
import { WorldFact } from '#shared/world-messages.ts'
import type { World } from './world.ts'

/** Meta key of the persisted world age. */
export const WORLD_AGE_META = 'worldAge'
/** Time of day at world age 0: morning, like vanilla's `/time set day`. */
export const START_TIME_OF_DAY = 1000
/** TimeUpdated goes out once a second. */
export const TIME_BROADCAST_TICKS = 20
/** The world age is saved every 5 s (and at stop). */
export const TIME_SAVE_TICKS = 100

/** The node's clock. */
export class WorldClock {
  worldAge: number

  constructor (worldAge: number) {
    this.worldAge = worldAge
  }

  /** One tick passes. */
  advance (): void {
    this.worldAge++
  }

  /** Ticks into the day, 0–23999. */
  get timeOfDay (): number {
    return (START_TIME_OF_DAY + this.worldAge) % 24000
  }
}

/** Parses a stored world age; 0 for missing or corrupt values. */
export function parseWorldAge (stored: string | null): number {
  const age = Number(stored)
  return stored !== null && Number.isSafeInteger(age) && age >= 0 ? age : 0
}

/** End-of-tick time duties: broadcast every second, persist every 5 s. */
export function tickTime (world: World): void {
  const { clock } = world
  if (clock.worldAge % TIME_BROADCAST_TICKS === 0) {
    world.links.broadcast({ type: WorldFact.TimeUpdated, worldAge: clock.worldAge, timeOfDay: clock.timeOfDay })
  }
  if (clock.worldAge % TIME_SAVE_TICKS === 0) saveWorldAge(world)
}

/** Queues the world age for this tick's durable batch. */
export function saveWorldAge (world: World): void {
  world.outbox.saveMeta(WORLD_AGE_META, String(world.clock.worldAge))
}

/**
 * The players this node simulates: their live state, and the snapshot the store keeps of them.
 */
import { chunkKeyAt } from '#shared/coords.ts'
import type { ChunkKey, PlayerId } from '#shared/ids.ts'
import {
  PLAYER_INVENTORY_SLOTS,
  type GameMode,
  type ItemStack,
  type PlayerProfile,
  type PlayerSnapshot
} from '#shared/world-messages.ts'
import type { GatewayConnection } from './gateway-links.ts'

/** Eye height of a standing player, in blocks. */
export const EYE_HEIGHT = 1.62
/** Player bounding box width in blocks. */
export const PLAYER_WIDTH = 0.6
/** Player bounding box height in blocks. */
export const PLAYER_HEIGHT = 1.8

/** Where viewers last saw a player (the last EntityMoved or EntitySpawned). */
export interface ShownPlacement {
  x: number
  y: number
  z: number
  yaw: number
  pitch: number
  chunk: ChunkKey
}

/** A player in the world, mutated only inside the tick. */
export interface OnlinePlayer {
  readonly id: PlayerId
  readonly profile: PlayerProfile
  readonly entityId: number
  /** The gateway link that attached the player; only its commands are accepted for them. */
  readonly connection: GatewayConnection
  x: number
  y: number
  z: number
  yaw: number
  pitch: number
  onGround: boolean
  gameMode: GameMode
  /** Player window slots 0–45. */
  inventory: Array<ItemStack | null>
  selectedSlot: number
  latencyMs: number
  /** Latency changed since the last player-list batch. */
  latencyDirty: boolean
  /** Position or look changed this tick. */
  moved: boolean
  /** A correction was sent this tick; later moves of the tick predate it and are ignored. */
  correctedThisTick: boolean
  /** What viewers see of the player; changed only through OnlinePlayers.show (it indexes players by chunk). */
  shown: ShownPlacement
  /** The transfer this player is frozen for (its commands are ignored meanwhile), or null. */
  frozen: string | null
  /** No transfer is requested before this time (ms since epoch), after an abort. */
  transferRetryAt: number
}

/** A player's durable state. */
export function snapshotOf (player: OnlinePlayer): PlayerSnapshot {
  return {
    x: player.x,
    y: player.y,
    z: player.z,
    yaw: player.yaw,
    pitch: player.pitch,
    onGround: player.onGround,
    gameMode: player.gameMode,
    inventory: player.inventory.map((item) => item === null ? null : { name: item.name, count: item.count }),
    selectedSlot: player.selectedSlot
  }
}

/** An empty player window. */
export function emptyInventory (): Array<ItemStack | null> {
  return Array.from({ length: PLAYER_INVENTORY_SLOTS }, () => null)
}

/** Builds the live player from a snapshot, repairing a short or malformed inventory. */
export function playerFromSnapshot (profile: PlayerProfile, entityId: number, connection: GatewayConnection, snapshot: PlayerSnapshot): OnlinePlayer {
  const inventory = emptyInventory()
  snapshot.inventory.forEach((item, slot) => {
    if (slot < PLAYER_INVENTORY_SLOTS && item !== null && item.count > 0) inventory[slot] = { name: item.name, count: item.count }
  })
  const selectedSlot = Number.isInteger(snapshot.selectedSlot) && snapshot.selectedSlot >= 0 && snapshot.selectedSlot <= 8 ? snapshot.selectedSlot : 0
  return {
    id: profile.id,
    profile,
    entityId,
    connection,
    x: snapshot.x,
    y: snapshot.y,
    z: snapshot.z,
    yaw: snapshot.yaw,
    pitch: snapshot.pitch,
    onGround: snapshot.onGround,
    gameMode: snapshot.gameMode,
    inventory,
    selectedSlot,
    latencyMs: 0,
    latencyDirty: false,
    moved: false,
    correctedThisTick: false,
    shown: { x: snapshot.x, y: snapshot.y, z: snapshot.z, yaw: snapshot.yaw, pitch: snapshot.pitch, chunk: chunkKeyAt(snapshot.x, snapshot.z) },
    frozen: null,
    transferRetryAt: 0
  }
}

/** The chunk a player stands in now. */
export function chunkOfPlayer (player: OnlinePlayer): ChunkKey {
  return chunkKeyAt(player.x, player.z)
}

const NO_PLAYERS: ReadonlySet<OnlinePlayer> = new Set()

/** Online players by id, by name, and by the chunk viewers see them in. */
export class OnlinePlayers {
  readonly #byId = new Map<PlayerId, OnlinePlayer>()
  /** Players by `shown.chunk`: a chunk served to a viewer brings the players in it, without a scan of all. */
  readonly #byShownChunk = new Map<ChunkKey, Set<OnlinePlayer>>()

  add (player: OnlinePlayer): void {
    const earlier = this.#byId.get(player.id)
    if (earlier !== undefined) this.#unindex(earlier)
    this.#byId.set(player.id, player)
    this.#index(player)
  }

  remove (id: PlayerId): void {
    const player = this.#byId.get(id)
    if (player === undefined) return
    this.#unindex(player)
    this.#byId.delete(id)
  }

  /** Moves what viewers are shown of an online player; the only way `shown` changes. */
  show (player: OnlinePlayer, shown: ShownPlacement): void {
    const indexed = this.#byId.get(player.id) === player
    if (indexed) this.#unindex(player)
    player.shown = shown
    if (indexed) this.#index(player)
  }

  /** The players viewers see standing in a chunk (live view; do not mutate). */
  shownIn (chunk: ChunkKey): Iterable<OnlinePlayer> {
    return this.#byShownChunk.get(chunk) ?? NO_PLAYERS
  }

  #index (player: OnlinePlayer): void {
    let here = this.#byShownChunk.get(player.shown.chunk)
    if (here === undefined) this.#byShownChunk.set(player.shown.chunk, here = new Set())
    here.add(player)
  }

  #unindex (player: OnlinePlayer): void {
    const here = this.#byShownChunk.get(player.shown.chunk)
    if (here === undefined) return
    here.delete(player)
    if (here.size === 0) this.#byShownChunk.delete(player.shown.chunk)
  }

  get (id: PlayerId): OnlinePlayer | undefined {
    return this.#byId.get(id)
  }

  /** Case-insensitive lookup by name, as commands take names. */
  byName (name: string): OnlinePlayer | undefined {
    const lower = name.toLowerCase()
    for (const player of this.#byId.values()) if (player.profile.name.toLowerCase() === lower) return player
    return undefined
  }

  all (): IterableIterator<OnlinePlayer> {
    return this.#byId.values()
  }

  get count (): number {
    return this.#byId.size
  }
}

/**
 * Builders for clientbound play packets whose shape differs between supported versions
 * (1.21.4 and 1.21.5+/26.x). Everything version-specific about packet fields lives here.
 */
import type { ChunkColumnData, GameMode, PlayerListEntry } from '#shared/world-messages.ts'
import { angleByte } from './angles.ts'
import type { GameRegistries } from './game-registries.ts'
import { packHeightmap } from '#shared/heightmap.ts'

const GAME_MODES: readonly GameMode[] = ['survival', 'creative', 'adventure', 'spectator']

/** Numeric id of a game mode. */
export function gameModeId (mode: GameMode): number {
  return GAME_MODES.indexOf(mode)
}

/** World constants the gateway learned from the world-node's Welcome. */
export interface WorldShape { readonly minY: number, readonly worldHeight: number, readonly viewDistance: number, readonly seaLevel: number }

/** Login (play) packet fields. */
export function loginPacket (reg: GameRegistries, entityId: number, gameMode: GameMode, maxPlayers: number, world: WorldShape): unknown {
  return {
    entityId,
    isHardcore: false,
    worldNames: ['minecraft:overworld'],
    maxPlayers,
    viewDistance: world.viewDistance,
    simulationDistance: world.viewDistance,
    reducedDebugInfo: false,
    enableRespawnScreen: true,
    doLimitedCrafting: false,
    worldState: {
      dimension: reg.overworldDimension,
      name: 'minecraft:overworld',
      hashedSeed: [0, 0],
      gamemode: gameMode,
      previousGamemode: 255,
      isDebug: false,
      isFlat: false,
      death: undefined,
      portalCooldown: 0,
      seaLevel: world.seaLevel
    },
    enforcesSecureChat: false
  }
}

/** Default spawn position (compass target). */
export function spawnPositionPacket (reg: GameRegistries, x: number, y: number, z: number): unknown {
  const location = { x: Math.floor(x), y: Math.floor(y), z: Math.floor(z) }
  return reg.modern
    ? { globalPos: { dimensionName: 'minecraft:overworld', location }, yaw: 0, pitch: 0 }
    : { location, angle: 0 }
}

/** Update Time: world age and time of day. */
export function updateTimePacket (reg: GameRegistries, worldAge: number, timeOfDay: number): unknown {
  return reg.modern
    ? { age: BigInt(worldAge), clockUpdates: [{ id: 0, totalTicks: timeOfDay, partialTick: 0, rate: 1 }] }
    : { age: BigInt(worldAge), time: BigInt(timeOfDay), tickDayTime: true }
}

/** Chunk Data and Update Light. */
export function mapChunkPacket (reg: GameRegistries, column: ChunkColumnData, world: WorldShape): unknown {
  const longs = packHeightmap(column.heightmap, world.worldHeight)
  const heightmaps = reg.modern
    ? [{ type: 'world_surface', data: longs }, { type: 'motion_blocking', data: longs }]
    : { type: 'compound', name: '', value: { MOTION_BLOCKING: { type: 'longArray', value: longs }, WORLD_SURFACE: { type: 'longArray', value: longs } } }
  const { light } = column
  return {
    x: column.x,
    z: column.z,
    heightmaps,
    chunkData: Buffer.from(column.sections.buffer, column.sections.byteOffset, column.sections.byteLength),
    blockEntities: [],
    skyLightMask: light.skyLightMask,
    blockLightMask: light.blockLightMask,
    emptySkyLightMask: light.emptySkyLightMask,
    emptyBlockLightMask: light.emptyBlockLightMask,
    // protodef's u8 arrays take any indexable sequence: the sections go as they are, with no
    // 2048-element JavaScript array built per section (that copy was 5-10 % of the gateway's CPU).
    skyLight: light.skyLight,
    blockLight: light.blockLight
  }
}

/** Player Info Update adding (or refreshing) tab-list entries. */
export function playerInfoAddPacket (entries: readonly PlayerListEntry[]): unknown {
  return {
    action: { add_player: true, update_game_mode: true, update_listed: true, update_latency: true },
    data: entries.map((entry) => ({
      uuid: entry.playerId,
      player: { name: entry.name, properties: entry.properties.map((p) => ({ name: p.name, value: p.value, signature: p.signature })) },
      gamemode: gameModeId(entry.gameMode),
      listed: 1,
      latency: entry.latencyMs
    }))
  }
}

/** Player Info Update of latency and game mode only. */
export function playerInfoUpdatePacket (entries: readonly PlayerListEntry[]): unknown {
  return {
    action: { update_game_mode: true, update_latency: true },
    data: entries.map((entry) => ({ uuid: entry.playerId, gamemode: gameModeId(entry.gameMode), latency: entry.latencyMs }))
  }
}

/** Spawn Entity for another player. */
export function spawnPlayerPacket (reg: GameRegistries, entityId: number, playerId: string, x: number, y: number, z: number, yaw: number, pitch: number): unknown {
  return {
    entityId,
    objectUUID: playerId,
    type: reg.playerEntityType,
    x,
    y,
    z,
    pitch: angleByte(pitch),
    yaw: angleByte(yaw),
    headPitch: angleByte(yaw),
    objectData: 0,
    velocity: reg.modern ? { x: 0, y: 0, z: 0 } : { x: 0, y: 0, z: 0 }
  }
}

/** Absolute entity position (no delta encoding: robust across any distance). */
export function entityPositionPacket (entityId: number, x: number, y: number, z: number, yaw: number, pitch: number, onGround: boolean): unknown {
  return { entityId, x, y, z, dx: 0, dy: 0, dz: 0, yaw, pitch, onGround }
}

/** Player Position (teleport) with a teleport id the client must confirm. */
export function playerPositionPacket (teleportId: number, x: number, y: number, z: number, yaw: number, pitch: number): unknown {
  return { teleportId, x, y, z, dx: 0, dy: 0, dz: 0, yaw, pitch, flags: {} }
}

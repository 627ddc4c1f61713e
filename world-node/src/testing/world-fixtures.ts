/**
 * Fixtures for world-node tests: a node on a temporary store, reading received columns, and
 * walking a scripted player around. Test support only.
 */
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chunkKeyAt, chunkOf, chunksAround } from '#shared/coords.ts'
import type { PlayerId } from '#shared/ids.ts'
import { createLogger } from '#shared/logger.ts'
import { WorldCommand, WorldFact, type ChunkColumnData, type PlayerProfile } from '#shared/world-messages.ts'
import type { Registry } from 'prom-client'
import { readWorldNodeConfig, type WorldNodeConfig } from '../config.ts'
import { createWorldNode, type WorldNode } from '../create-world-node.ts'
import { createGameData } from '../game-data.ts'
import { createEmbeddedWorldStore, type EmbeddedWorldStore } from '../store/embedded-world-store.ts'
import type { WorldStore } from '../store/world-store.ts'
import { createTerrain } from '../terrain/index.ts'
import { ScriptedGateway } from './scripted-gateway.ts'

/** The game version the fixtures run. */
export const VERSION = '1.21.4'
/** Registry lookups for VERSION. */
export const game = createGameData(VERSION)
/** The production terrain, to compare spawns with. */
export const terrain = createTerrain({ seed: 'tessera', version: VERSION })
// prismarine-chunk's typings describe the pre-1.18 API; the column is used untyped here.
const Chunk = createRequire(import.meta.url)('prismarine-chunk')(VERSION) as new (options: { minY: number, worldHeight: number }) => {
  load (data: Buffer): void
  getBlockStateId (pos: { x: number, y: number, z: number }): number
}
const logger = createLogger('world-node:test', { level: 'silent' })

/** A started node on its own store. */
export interface RunningNode {
  readonly node: WorldNode
  readonly store: EmbeddedWorldStore
  readonly config: WorldNodeConfig
  connect (): ScriptedGateway
  close (): Promise<void>
}

/** Starts a node on the store in dataDir (the same dir again is a restart). */
export async function startNode (dataDir: string, options: { nodeId?: string, registry?: Registry, env?: Record<string, string> } = {}): Promise<RunningNode> {
  const config = readWorldNodeConfig({ ...options.env, TESSERA_DATA_DIR: dataDir, WORLD_VERSION: VERSION, WORLD_NODE_ID: options.nodeId })
  const store = createEmbeddedWorldStore(dataDir)
  const node = createWorldNode(config, options.registry === undefined ? { logger, store } : { logger, store, registry: options.registry })
  await node.start()
  return {
    node,
    store,
    config,
    connect: () => new ScriptedGateway((link) => { node.acceptLink(link) }),
    async close () {
      await node.stop()
      await store.close()
    }
  }
}

/** A new temporary data dir. */
export function freshDir (): string {
  return mkdtempSync(join(tmpdir(), 'tessera-world-'))
}

function mod16 (n: number): number {
  return ((n % 16) + 16) % 16
}

/** The block state at x, y, z inside a received column. */
export function blockIn (column: ChunkColumnData, x: number, y: number, z: number): number {
  const chunk = new Chunk({ minY: game.minY, worldHeight: game.worldHeight })
  chunk.load(Buffer.from(column.sections))
  return chunk.getBlockStateId({ x: mod16(x), y, z: mod16(z) })
}

/** y of the highest non-air block of column x, z in a received column. */
export function topOf (column: ChunkColumnData, x: number, z: number): number {
  const chunk = new Chunk({ minY: game.minY, worldHeight: game.worldHeight })
  chunk.load(Buffer.from(column.sections))
  for (let y = game.minY + game.worldHeight - 1; y >= game.minY; y--) {
    if (!game.isAir(chunk.getBlockStateId({ x: mod16(x), y, z: mod16(z) }))) return y
  }
  throw new Error('empty column')
}

/** Subscribes a player to the 3×3 chunks around x, z and collects them by key. */
export async function subscribeAround (gateway: ScriptedGateway, playerId: PlayerId, x: number, z: number): Promise<Map<string, ChunkColumnData>> {
  const chunks = chunksAround(chunkOf(x, z), 1)
  gateway.send({ type: WorldCommand.SubscribeChunks, playerId, chunks })
  const columns = new Map<string, ChunkColumnData>()
  for (let i = 0; i < chunks.length; i++) {
    const data = await gateway.expect(WorldFact.ChunkData, (m) => m.playerId === playerId)
    columns.set(`${data.column.x},${data.column.z}`, data.column)
  }
  return columns
}

/** The received column holding block x, z. */
export function columnAt (columns: Map<string, ChunkColumnData>, x: number, z: number): ChunkColumnData {
  const column = columns.get(chunkKeyAt(x, z))
  assert.ok(column !== undefined, `chunk of ${x},${z} was not received`)
  return column
}

/** Walks a player in steps the movement check accepts. */
export function walk (gateway: ScriptedGateway, playerId: PlayerId, from: { x: number, y: number, z: number }, to: { x: number, y: number, z: number }): void {
  const steps = Math.max(1, Math.ceil(Math.hypot(to.x - from.x, to.y - from.y, to.z - from.z) / 5))
  for (let i = 1; i <= steps; i++) {
    const t = i / steps
    gateway.send({ type: WorldCommand.MovePlayer, playerId, x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t, z: from.z + (to.z - from.z) * t, onGround: true })
  }
}

/** Finds a column near the player whose top block yields a drop, and walks the player onto it. */
export function standOnDiggable (gateway: ScriptedGateway, profile: PlayerProfile, start: { x: number, y: number, z: number }, columns: Map<string, ChunkColumnData>, offset: number): { x: number, y: number, z: number, stateId: number } {
  const sx = Math.floor(start.x)
  const sz = Math.floor(start.z)
  for (let dz = 0; dz < 8; dz++) {
    const x = sx + offset
    const z = sz + dz
    const column = columnAt(columns, x, z)
    const y = topOf(column, x, z)
    const stateId = blockIn(column, x, y, z)
    if (game.dropsOf(stateId).length === 0 || game.blockOf(stateId)?.hardness === null) continue
    if (Math.abs(y + 1 - start.y) > 6) continue
    walk(gateway, profile.id, start, { x: x + 0.5, y: y + 1, z: z + 0.5 })
    return { x, y, z, stateId }
  }
  throw new Error('no diggable column near spawn')
}

/**
 * A WorldStore that passes every call to `inner` but those in `overrides` (a test's held or
 * failing write). `writeBatch` is passed on only when overridden, so a store without it makes
 * the outbox write call by call.
 */
export function delegatingStore (inner: WorldStore, overrides: Partial<WorldStore>): WorldStore {
  return {
    loadPlayer: async (id) => await inner.loadPlayer(id),
    savePlayer: async (id, snapshot) => { await inner.savePlayer(id, snapshot) },
    loadChunkChanges: async (key) => await inner.loadChunkChanges(key),
    appendBlockChanges: async (changes) => { await inner.appendBlockChanges(changes) },
    loadMeta: async (key) => await inner.loadMeta(key),
    saveMeta: async (key, value) => { await inner.saveMeta(key, value) },
    close: async () => { await inner.close() },
    ...overrides
  }
}

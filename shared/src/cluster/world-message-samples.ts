/**
 * One sample of every gateway↔world-node message, for codec round-trip tests and the codec
 * bench. Kept beside the codec so a new message type shows up here (the tests check coverage).
 */
import type { ChunkKey, GatewayId, PlayerId, RegionId } from '../ids.ts'
import {
  WorldCommand, WorldFact, type ChunkColumnData, type GatewayToNode, type NodeToGateway, type PlayerSnapshot
} from '../world-messages.ts'

const player = '6f2a1c3e-0b4d-4e5f-8a9b-0c1d2e3f4a5b' as PlayerId
const chunk = '3,-7' as ChunkKey

/** Deterministic pseudo-random bytes (so failures reproduce). */
export function patternBytes (length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length)
  let state = seed >>> 0
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    bytes[i] = state >>> 24
  }
  return bytes
}

/** A chunk column whose sections take `sectionBytes` bytes, lit like a 1.21 overworld column. */
export function sampleColumn (sectionBytes: number, x = 3, z = -7): ChunkColumnData {
  return {
    x,
    z,
    revision: 12,
    sections: patternBytes(sectionBytes, sectionBytes),
    heightmap: Array.from({ length: 256 }, (_, i) => 64 + (i % 17)),
    light: {
      skyLightMask: [[0, 0x3ffffff]],
      blockLightMask: [[0, 0x10]],
      emptySkyLightMask: [[0, 0]],
      emptyBlockLightMask: [[0, 0x3ffffef]],
      skyLight: Array.from({ length: 26 }, (_, i) => patternBytes(2048, 100 + i)),
      blockLight: [patternBytes(2048, 7), [1, 2, 3, 4]]
    }
  }
}

const snapshot: PlayerSnapshot = {
  x: 10.5,
  y: 64,
  z: -3.25,
  yaw: 90,
  pitch: -12.5,
  gameMode: 'survival',
  inventory: Array.from({ length: 46 }, (_, slot) => slot === 36 ? { name: 'stone', count: 64 } : null),
  selectedSlot: 0,
  onGround: true
}

const profile = {
  id: player,
  name: 'Steve_01',
  properties: [{ name: 'textures', value: 'e30=', signature: 'c2ln' }, { name: 'plain', value: 'x' }],
  op: false
}

/** One of every GatewayToNode message. */
export function sampleCommands (): GatewayToNode[] {
  return [
    { type: WorldCommand.Hello, gatewayId: 'gateway-1' as GatewayId, version: '1.21.4' },
    { type: WorldCommand.AttachPlayer, profile, viewDistance: 8 },
    { type: WorldCommand.DetachPlayer, playerId: player, reason: 'quit' },
    { type: WorldCommand.MovePlayer, playerId: player, x: 1.5, y: 65, z: -2.75, yaw: 45, pitch: 0, onGround: true },
    { type: WorldCommand.MovePlayer, playerId: player, yaw: 180, onGround: false },
    { type: WorldCommand.SwingArm, playerId: player, hand: 'off' },
    { type: WorldCommand.DigBlock, playerId: player, status: 'finish', x: 1, y: -60, z: 2, face: 1, sequence: 41 },
    { type: WorldCommand.PlaceBlock, playerId: player, x: -1, y: 70, z: 30_000_000, face: 5, hand: 'main', sequence: 42 },
    { type: WorldCommand.SelectHotbarSlot, playerId: player, slot: 8 },
    { type: WorldCommand.SetCreativeSlot, playerId: player, slot: 36, item: { name: 'diamond_sword', count: 1 } },
    { type: WorldCommand.SetCreativeSlot, playerId: player, slot: 37, item: null },
    { type: WorldCommand.SendChat, playerId: player, text: 'héllo, wörld ✓ "quoted" \\ \u0000' },
    { type: WorldCommand.RunCommand, playerId: player, command: 'gamemode creative' },
    { type: WorldCommand.ReportLatency, playerId: player, latencyMs: 37 },
    { type: WorldCommand.SubscribeChunks, playerId: player, chunks: [{ x: 0, z: 0 }, { x: -1, z: 2 }] },
    { type: WorldCommand.UnsubscribeChunks, playerId: player, chunks: [{ x: 5, z: 5 }] },
    { type: WorldCommand.ResendChunk, playerId: player, x: 5, z: -5 },
    { type: WorldCommand.AcceptTransfer, transferId: 't-1', profile, snapshot, entityId: 7, viewDistance: 8 },
    { type: WorldCommand.CommitTransfer, transferId: 't-1', playerId: player },
    { type: WorldCommand.CompleteTransfer, transferId: 't-1', playerId: player },
    { type: WorldCommand.AbortTransfer, transferId: 't-1', playerId: player, reason: 'timed out' }
  ]
}

/** One of every NodeToGateway message; the chunk's sections take `sectionBytes` bytes. */
export function sampleFacts (sectionBytes = 16_384): NodeToGateway[] {
  return [
    { type: WorldFact.Welcome, nodeId: 'node-1', version: '1.21.4', seed: 'tessera', minY: -64, worldHeight: 384, viewDistance: 8, regionSize: 16 },
    { type: WorldFact.PlayerAttached, playerId: player, entityId: 7, snapshot, worldAge: 123_456, timeOfDay: 6000 },
    { type: WorldFact.AttachRefused, playerId: player, reason: 'region moving' },
    { type: WorldFact.ChunkData, playerId: player, column: sampleColumn(sectionBytes) },
    { type: WorldFact.ChunkCached, playerId: player, x: 5, z: -5, revision: 1795000000000001 },
    { type: WorldFact.BlockChanged, chunk, x: 50, y: 64, z: -100, stateId: 1 },
    { type: WorldFact.BlockChangeAcked, playerId: player, sequence: 42 },
    { type: WorldFact.EntitySpawned, chunk, entityId: 8, playerId: player, name: 'Alex', x: 1, y: 2, z: 3, yaw: 0, pitch: 0 },
    { type: WorldFact.EntityMoved, chunk, fromChunk: '2,-7' as ChunkKey, entityId: 8, x: 1, y: 2, z: 3, yaw: 10, pitch: 5, onGround: true },
    { type: WorldFact.EntityAnimated, chunk, entityId: 8, animation: 'swing_main' },
    { type: WorldFact.EntityRemoved, chunk, entityId: 8 },
    { type: WorldFact.PlayerPositionSet, playerId: player, reason: 'correction', x: 0, y: 64, z: 0, yaw: 0, pitch: 0 },
    { type: WorldFact.InventoryUpdated, playerId: player, slots: [{ slot: 36, item: { name: 'dirt', count: 3 } }, { slot: 37, item: null }], selectedSlot: 0 },
    { type: WorldFact.GameModeChanged, playerId: player, gameMode: 'creative' },
    { type: WorldFact.ChatBroadcast, senderId: player, senderName: 'Steve_01', text: 'hi all' },
    { type: WorldFact.SystemMessage, playerId: null, text: 'Server restarting' },
    { type: WorldFact.SystemMessage, playerId: player, text: 'Only you' },
    {
      type: WorldFact.PlayerListUpserted,
      entries: [{ playerId: player, name: 'Steve_01', properties: profile.properties, gameMode: 'survival', latencyMs: 20 }]
    },
    { type: WorldFact.PlayerListRemoved, playerIds: [player] },
    { type: WorldFact.TimeUpdated, worldAge: 99, timeOfDay: 18_000 },
    { type: WorldFact.PlayerKicked, playerId: player, reason: 'You logged in from another location' },
    { type: WorldFact.RegionsOwned, nodeId: 'node-1', all: false, regions: ['r.0.0' as RegionId, 'r.-1.2' as RegionId] },
    { type: WorldFact.TransferRequested, transferId: 't-1', playerId: player, entityId: 7, snapshot, chunk: { x: 16, z: -3 } },
    { type: WorldFact.TransferAccepted, transferId: 't-1', playerId: player },
    { type: WorldFact.TransferRejected, transferId: 't-1', playerId: player, reason: 'not the owner' },
    { type: WorldFact.TransferCommitted, transferId: 't-1', playerId: player }
  ]
}

/**
 * The typed boundary over minecraft-protocol's `any` packets: one adapter per serverbound
 * packet the gateway acts on. Each checks bounds (finite numbers, string lengths, ranges) and
 * returns an immutable typed record, so handlers never touch untyped data.
 */
import { TesseraError } from '#shared/errors.ts'
import type { RawPacket } from './packet-codec.ts'

/** Handshake (0x00). */
export interface ServerboundSetProtocol { readonly protocolVersion: number, readonly serverHost: string, readonly serverPort: number, readonly nextState: number }
/** Status request. */
export type ServerboundPingStart = Record<string, never>
/** Status ping. */
export interface ServerboundPing { readonly time: bigint }
/** Login Start. */
export interface ServerboundLoginStart { readonly username: string, readonly playerUUID: string }
/** Encryption Response. */
export interface ServerboundEncryptionBegin { readonly sharedSecret: Buffer, readonly verifyToken: Buffer }
/** Known packs the client has. */
export interface ServerboundSelectKnownPacks { readonly packs: ReadonlyArray<{ namespace: string, id: string, version: string }> }
/** Client Information. */
export interface ServerboundSettings { readonly viewDistance: number, readonly locale: string }
/** Keep Alive response. */
export interface ServerboundKeepAlive { readonly keepAliveId: bigint }
/** Confirm Teleportation. */
export interface ServerboundTeleportConfirm { readonly teleportId: number }
/** Any of the four movement packets, with absent fields undefined. */
export interface ServerboundMove { readonly x?: number, readonly y?: number, readonly z?: number, readonly yaw?: number, readonly pitch?: number, readonly onGround: boolean }
/** Player Action (digging). */
export interface ServerboundBlockDig { readonly status: number, readonly x: number, readonly y: number, readonly z: number, readonly face: number, readonly sequence: number }
/** Use Item On (placing). */
export interface ServerboundBlockPlace { readonly hand: 'main' | 'off', readonly x: number, readonly y: number, readonly z: number, readonly direction: number, readonly sequence: number }
/** Set Held Item. */
export interface ServerboundHeldItemSlot { readonly slotId: number }
/** Set Creative Mode Slot. */
export interface ServerboundSetCreativeSlot { readonly slot: number, readonly itemId: number | null, readonly count: number }
/** Swing Arm. */
export interface ServerboundArmAnimation { readonly hand: 'main' | 'off' }
/** Chat Message. */
export interface ServerboundChatMessage { readonly message: string }
/** Chat Command (signed or not; signatures are ignored: the server does not enforce secure chat). */
export interface ServerboundChatCommand { readonly command: string }
/** Chunk Batch Received. */
export interface ServerboundChunkBatchReceived { readonly chunksPerTick: number }

const MAX_COORD = 30_000_000
const MAX_Y = 20_000_000
/** Pitch is ±90°; a float's rounding may land just past it. */
const MAX_PITCH = 90.001

function num (params: Record<string, unknown>, key: string, min = -Infinity, max = Infinity): number {
  const value = params[key]
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new TesseraError('GW_BAD_PACKET', `${key} out of range`)
  }
  return value
}

function str (params: Record<string, unknown>, key: string, maxLength: number): string {
  const value = params[key]
  if (typeof value !== 'string' || value.length > maxLength) throw new TesseraError('GW_BAD_PACKET', `${key} too long`)
  return value
}

function big (params: Record<string, unknown>, key: string): bigint {
  const value = params[key]
  if (typeof value === 'bigint') return value
  if (Array.isArray(value) && value.length === 2) return (BigInt(value[0] as number) << 32n) | BigInt((value[1] as number) >>> 0)
  throw new TesseraError('GW_BAD_PACKET', `${key} is not a long`)
}

function buf (params: Record<string, unknown>, key: string, maxLength: number): Buffer {
  const value = params[key]
  if (!Buffer.isBuffer(value) || value.length > maxLength) throw new TesseraError('GW_BAD_PACKET', `${key} is not a short byte array`)
  return value
}

function hand (value: unknown): 'main' | 'off' {
  if (value === 0 || value === 'main_hand') return 'main'
  if (value === 1 || value === 'off_hand') return 'off'
  throw new TesseraError('GW_BAD_PACKET', 'hand out of range')
}

function onGround (params: Record<string, unknown>): boolean {
  const flags = params.flags
  if (typeof flags === 'object' && flags !== null) return (flags as { onGround?: boolean }).onGround === true
  return params.onGround === true
}

function position (params: Record<string, unknown>): { x: number, y: number, z: number } {
  const location = params.location as Record<string, unknown> | undefined
  if (typeof location !== 'object' || location === null) throw new TesseraError('GW_BAD_PACKET', 'location missing')
  return { x: num(location, 'x', -MAX_COORD, MAX_COORD), y: num(location, 'y', -4096, 4096), z: num(location, 'z', -MAX_COORD, MAX_COORD) }
}

/** Adapters from raw packets to typed records, by minecraft-protocol packet name. */
export const adapt = {
  set_protocol: (p: Record<string, unknown>): ServerboundSetProtocol => ({
    protocolVersion: num(p, 'protocolVersion'),
    serverHost: str(p, 'serverHost', 255),
    serverPort: num(p, 'serverPort', 0, 65535),
    nextState: num(p, 'nextState')
  }),
  ping: (p: Record<string, unknown>): ServerboundPing => ({ time: big(p, 'time') }),
  login_start: (p: Record<string, unknown>): ServerboundLoginStart => ({ username: str(p, 'username', 16), playerUUID: str(p, 'playerUUID', 36) }),
  encryption_begin: (p: Record<string, unknown>): ServerboundEncryptionBegin => ({ sharedSecret: buf(p, 'sharedSecret', 512), verifyToken: buf(p, 'verifyToken', 512) }),
  select_known_packs: (p: Record<string, unknown>): ServerboundSelectKnownPacks => {
    const packs = p.packs
    if (!Array.isArray(packs) || packs.length > 64) throw new TesseraError('GW_BAD_PACKET', 'too many known packs')
    return { packs: packs as ServerboundSelectKnownPacks['packs'] }
  },
  settings: (p: Record<string, unknown>): ServerboundSettings => ({ viewDistance: num(p, 'viewDistance', -128, 127), locale: str(p, 'locale', 16) }),
  keep_alive: (p: Record<string, unknown>): ServerboundKeepAlive => ({ keepAliveId: big(p, 'keepAliveId') }),
  teleport_confirm: (p: Record<string, unknown>): ServerboundTeleportConfirm => ({ teleportId: num(p, 'teleportId') }),
  move: (name: string, p: Record<string, unknown>): ServerboundMove => {
    // The hottest packet (20 a second per player): built without spreading partial objects.
    switch (name) {
      case 'position':
        return { x: num(p, 'x', -MAX_COORD, MAX_COORD), y: num(p, 'y', -MAX_Y, MAX_Y), z: num(p, 'z', -MAX_COORD, MAX_COORD), onGround: onGround(p) }
      case 'position_look':
        return { x: num(p, 'x', -MAX_COORD, MAX_COORD), y: num(p, 'y', -MAX_Y, MAX_Y), z: num(p, 'z', -MAX_COORD, MAX_COORD), yaw: num(p, 'yaw'), pitch: num(p, 'pitch', -MAX_PITCH, MAX_PITCH), onGround: onGround(p) }
      case 'look':
        return { yaw: num(p, 'yaw'), pitch: num(p, 'pitch', -MAX_PITCH, MAX_PITCH), onGround: onGround(p) }
      default:
        return { onGround: onGround(p) }
    }
  },
  block_dig: (p: Record<string, unknown>): ServerboundBlockDig => ({ status: num(p, 'status', 0, 6), ...position(p), face: num(p, 'face', 0, 5), sequence: num(p, 'sequence') }),
  block_place: (p: Record<string, unknown>): ServerboundBlockPlace => ({ hand: hand(p.hand), ...position(p), direction: num(p, 'direction', 0, 5), sequence: num(p, 'sequence') }),
  held_item_slot: (p: Record<string, unknown>): ServerboundHeldItemSlot => ({ slotId: num(p, 'slotId', 0, 8) }),
  set_creative_slot: (p: Record<string, unknown>): ServerboundSetCreativeSlot => {
    const item = p.item as Record<string, unknown> | undefined
    const count = item === undefined ? 0 : num(item, 'itemCount', 0, 99)
    return { slot: num(p, 'slot', -1, 45), itemId: count === 0 || item === undefined ? null : num(item, 'itemId', 0), count }
  },
  arm_animation: (p: Record<string, unknown>): ServerboundArmAnimation => ({ hand: hand(p.hand) }),
  chat_message: (p: Record<string, unknown>): ServerboundChatMessage => ({ message: str(p, 'message', 256) }),
  chat_command: (p: Record<string, unknown>): ServerboundChatCommand => ({ command: str(p, 'command', 32767) }),
  chunk_batch_received: (p: Record<string, unknown>): ServerboundChunkBatchReceived => ({ chunksPerTick: num(p, 'chunksPerTick') })
} as const

/** A raw packet's params, for adapters. */
export function paramsOf (packet: RawPacket): Record<string, unknown> {
  return packet.params
}

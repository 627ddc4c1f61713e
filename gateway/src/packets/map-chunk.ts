/**
 * Chunk Data and Update Light, serialized. protodef writes a u8 array one element at a time, and
 * a column's light is up to 2 × 26 sections of 2048 bytes: the packet is encoded with empty light
 * arrays, which are its last two fields (two zero VarInts), and the sections are appended as
 * whole buffers. The bytes are identical to protodef's (map-chunk.test.ts checks it).
 * https://minecraft.wiki/w/Java_Edition_protocol/Packets#Chunk_Data_and_Update_Light
 */
import type { ChunkColumnData } from '#shared/world-messages.ts'
import { codecFor } from '../protocol/packet-codec.ts'
import { sizeOfVarInt, writeVarInt } from '../protocol/varint.ts'
import type { GameRegistries } from './game-registries.ts'
import { mapChunkPacket, type WorldShape } from './play-packets.ts'

/** The map_chunk packet (id and fields) for a column. */
export function encodeMapChunk (version: string, reg: GameRegistries, column: ChunkColumnData, world: WorldShape): Buffer {
  const params = mapChunkPacket(reg, column, world) as Record<string, unknown>
  const head = codecFor(version, 'play').encode('map_chunk', { ...params, skyLight: [], blockLight: [] })
  if (head[head.length - 1] !== 0 || head[head.length - 2] !== 0) throw new Error('map_chunk layout changed: light arrays are no longer its last fields')
  const { skyLight, blockLight } = column.light
  const size = head.length - 2 + lightSize(skyLight) + lightSize(blockLight)
  const out = Buffer.allocUnsafe(size)
  head.copy(out, 0, 0, head.length - 2)
  writeLight(blockLight, out, writeLight(skyLight, out, head.length - 2))
  return out
}

type Sections = ChunkColumnData['light']['skyLight']

function lightSize (sections: Sections): number {
  let size = sizeOfVarInt(sections.length)
  for (const section of sections) size += sizeOfVarInt(section.length) + section.length
  return size
}

function writeLight (sections: Sections, out: Buffer, at: number): number {
  let offset = writeVarInt(sections.length, out, at)
  for (const section of sections) {
    offset = writeVarInt(section.length, out, offset)
    if (section instanceof Uint8Array) out.set(section, offset)
    else for (let i = 0; i < section.length; i++) out[offset + i] = section[i] as number
    offset += section.length
  }
  return offset
}

/**
 * Conversion between the wire layout of a light section and prismarine-chunk's in-memory one.
 *
 * On the wire a light section is 2048 bytes where block index i = y·256 + z·16 + x lives in byte
 * i >> 1, low nibble for even i (vanilla's DataLayer; https://minecraft.wiki/w/Java_Edition_protocol/Chunk_format).
 * prismarine-chunk keeps the nibbles in a 4-bit BitArray (value i at bit 4·(i mod 16) of long
 * i / 16, longs stored as [low, high] uint32 words) — which is byte-for-byte the wire layout when
 * the words sit in memory little-endian. Its dumpLight(), however, writes each long big-endian,
 * which swaps nibbles within every 16-block row on a vanilla client. So serialization copies the
 * words' memory instead of calling dumpLight() for the arrays.
 */
import type { BitArray, ChunkKit } from './prismarine.ts'

/** Bytes in one light section: 4096 nibbles. */
export const LIGHT_SECTION_BYTES = 2048

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

/** A copy of a 4-bit BitArray in wire (vanilla DataLayer) byte order. */
export function wireBytesOf (section: BitArray): Uint8Array {
  const words = section.data
  if (littleEndian) return new Uint8Array(words.buffer, words.byteOffset, LIGHT_SECTION_BYTES).slice()
  const bytes = new Uint8Array(LIGHT_SECTION_BYTES)
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? 0
    bytes[4 * i] = w & 0xff
    bytes[4 * i + 1] = (w >>> 8) & 0xff
    bytes[4 * i + 2] = (w >>> 16) & 0xff
    bytes[4 * i + 3] = w >>> 24
  }
  return bytes
}

/**
 * A 4-bit BitArray holding the wire-layout bytes. When `bytes` own their whole buffer the array
 * views it without copying (on little-endian hosts), so the caller must not reuse them.
 */
export function bitArrayOfWireBytes (kit: ChunkKit, bytes: Uint8Array): BitArray {
  if (bytes.length !== LIGHT_SECTION_BYTES) throw new Error(`light section must be ${LIGHT_SECTION_BYTES} bytes, got ${bytes.length}`)
  if (littleEndian) {
    const owned = bytes.byteOffset === 0 && bytes.buffer.byteLength === LIGHT_SECTION_BYTES
    const buffer = owned ? bytes.buffer : bytes.slice().buffer
    return new kit.BitArray({ bitsPerValue: 4, capacity: 4096, data: buffer })
  }
  const array = new kit.BitArray({ bitsPerValue: 4, capacity: 4096 })
  for (let i = 0; i < array.data.length; i++) {
    array.data[i] = ((bytes[4 * i] ?? 0) | ((bytes[4 * i + 1] ?? 0) << 8) | ((bytes[4 * i + 2] ?? 0) << 16) | ((bytes[4 * i + 3] ?? 0) << 24)) >>> 0
  }
  return array
}

/**
 * VarInt reading and writing as the Minecraft protocol defines it.
 * https://minecraft.wiki/w/Java_Edition_protocol/Data_types#VarInt_and_VarLong
 */

/** Result of reading a VarInt: the value and how many bytes it took, or `incomplete`. */
export type VarIntRead = { readonly value: number, readonly size: number } | 'incomplete'

/** Reads a VarInt of at most `maxBytes` bytes; throws a RangeError when it runs longer. */
export function readVarInt (buffer: Uint8Array, offset: number, maxBytes = 5): VarIntRead {
  let value = 0
  for (let i = 0; i < maxBytes; i++) {
    if (offset + i >= buffer.length) return 'incomplete'
    const byte = buffer[offset + i]!
    value |= (byte & 0x7f) << (7 * i)
    if ((byte & 0x80) === 0) return { value, size: i + 1 }
  }
  throw new RangeError(`VarInt longer than ${maxBytes} bytes`)
}

/** Number of bytes the VarInt encoding of value takes. */
export function sizeOfVarInt (value: number): number {
  let v = value >>> 0
  let size = 1
  while (v >= 0x80) { v >>>= 7; size++ }
  return size
}

/** Writes value as a VarInt at offset; returns the offset after it. */
export function writeVarInt (value: number, buffer: Uint8Array, offset: number): number {
  let v = value >>> 0
  while (v >= 0x80) {
    buffer[offset++] = (v & 0x7f) | 0x80
    v >>>= 7
  }
  buffer[offset++] = v
  return offset
}

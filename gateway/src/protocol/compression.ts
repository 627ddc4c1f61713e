/**
 * Packet compression as negotiated by Set Compression, with the limits the stock library
 * lacks: the declared size is checked against an 8 MiB ceiling before inflating, the
 * inflater stops at the declared size, and the result must match it exactly.
 * https://minecraft.wiki/w/Java_Edition_protocol/Packets#With_compression
 */
import { deflateSync, inflateSync } from 'node:zlib'
import { TesseraError } from '#shared/errors.ts'
import { readVarInt, sizeOfVarInt, writeVarInt } from './varint.ts'

/** Largest decompressed packet accepted (vanilla's own limit). */
export const MAX_DECOMPRESSED_LENGTH = 8 * 1024 * 1024

/** Turns a compressed-format frame into the packet bytes (id + fields). */
export function decompressFrame (frame: Buffer, threshold: number): Buffer {
  let header
  try {
    header = readVarInt(frame, 0)
  } catch {
    throw new TesseraError('GW_BAD_COMPRESSION', 'data length VarInt too long')
  }
  if (header === 'incomplete') throw new TesseraError('GW_BAD_COMPRESSION', 'truncated data length')
  const declared = header.value
  const body = frame.subarray(header.size)
  if (declared === 0) return body
  if (declared < 0 || declared > MAX_DECOMPRESSED_LENGTH) throw new TesseraError('GW_DECOMPRESSED_TOO_LARGE', `declared ${declared >>> 0} bytes`)
  if (declared < threshold) throw new TesseraError('GW_COMPRESSION_BELOW_THRESHOLD', `declared ${declared} < threshold ${threshold}`)
  let inflated: Buffer
  try {
    inflated = inflateSync(body, { maxOutputLength: declared })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new TesseraError('GW_DECOMPRESSED_MISMATCH', `more than the declared ${declared} bytes`)
    throw new TesseraError('GW_BAD_COMPRESSION', (err as Error).message)
  }
  if (inflated.length !== declared) throw new TesseraError('GW_DECOMPRESSED_MISMATCH', `declared ${declared}, got ${inflated.length}`)
  return inflated
}

/** Wraps packet bytes in the compressed format: compressed when at or above threshold. */
export function compressPacket (packet: Buffer, threshold: number): Buffer {
  if (packet.length < threshold) {
    const out = Buffer.allocUnsafe(1 + packet.length)
    out[0] = 0
    packet.copy(out, 1)
    return out
  }
  const deflated = deflateSync(packet, { level: 4 })
  const out = Buffer.allocUnsafe(sizeOfVarInt(packet.length) + deflated.length)
  const offset = writeVarInt(packet.length, out, 0)
  deflated.copy(out, offset)
  return out
}

/** Prefixes a frame body with its VarInt length. */
export function frame (body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(sizeOfVarInt(body.length) + body.length)
  const offset = writeVarInt(body.length, out, 0)
  body.copy(out, offset)
  return out
}

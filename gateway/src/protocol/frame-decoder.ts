/**
 * Splits the inbound byte stream into packet frames, owning the limits the stock library
 * lacks: a length prefix of at most 3 bytes (so at most 2 MiB - 1), never zero.
 * https://minecraft.wiki/w/Java_Edition_protocol/Packets#Packet_format
 */
import { TesseraError } from '#shared/errors.ts'
import { readVarInt } from './varint.ts'

/** Longest frame length prefix the vanilla server accepts. */
export const MAX_FRAME_PREFIX_BYTES = 3
/** Largest frame: what a 3-byte VarInt can express (2 MiB - 1). */
export const MAX_FRAME_LENGTH = (1 << 21) - 1

/** Accumulates bytes and yields complete frames. Throws TesseraError on a bad prefix. */
export class FrameDecoder {
  #buffer: Buffer = Buffer.alloc(0)

  /** Feeds bytes; returns every frame completed by them, in order. */
  push (data: Buffer): Buffer[] {
    this.#buffer = this.#buffer.length === 0 ? data : Buffer.concat([this.#buffer, data])
    const frames: Buffer[] = []
    let offset = 0
    while (offset < this.#buffer.length) {
      let prefix
      try {
        prefix = readVarInt(this.#buffer, offset, MAX_FRAME_PREFIX_BYTES)
      } catch {
        throw new TesseraError('GW_FRAME_TOO_LONG')
      }
      if (prefix === 'incomplete') break
      if (prefix.value <= 0) throw new TesseraError('GW_FRAME_NEGATIVE')
      const end = offset + prefix.size + prefix.value
      if (end > this.#buffer.length) break
      frames.push(this.#buffer.subarray(offset + prefix.size, end))
      offset = end
    }
    this.#buffer = offset === 0 ? this.#buffer : this.#buffer.subarray(offset)
    if (this.#buffer.length > 0 && offset > 0) this.#buffer = Buffer.from(this.#buffer)
    return frames
  }

  /** Bytes held back waiting for the rest of a frame. */
  get pending (): number {
    return this.#buffer.length
  }
}

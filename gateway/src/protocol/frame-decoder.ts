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

const EMPTY = Buffer.alloc(0)

/** Accumulates bytes and hands out complete frames. Throws TesseraError on a bad prefix. */
export class FrameDecoder {
  #buffer: Buffer = EMPTY

  /**
   * Feeds bytes and calls onFrame with each frame they complete, in order (no list is built: this
   * runs for every packet a player sends). Throws TesseraError on a bad prefix; an error thrown by
   * onFrame propagates, with that frame and the ones before it consumed.
   */
  push (data: Buffer, onFrame: (body: Buffer) => void): void {
    const buffer = this.#buffer.length === 0 ? data : Buffer.concat([this.#buffer, data])
    let offset = 0
    try {
      while (offset < buffer.length) {
        let prefix
        try {
          prefix = readVarInt(buffer, offset, MAX_FRAME_PREFIX_BYTES)
        } catch {
          throw new TesseraError('GW_FRAME_TOO_LONG')
        }
        if (prefix === 'incomplete') break
        if (prefix.value <= 0) throw new TesseraError('GW_FRAME_NEGATIVE')
        const end = offset + prefix.size + prefix.value
        if (end > buffer.length) break
        const body = buffer.subarray(offset + prefix.size, end)
        offset = end
        onFrame(body)
      }
    } finally {
      // A partial frame left over is copied out, so it does not pin the whole read buffer.
      this.#buffer = offset === 0 ? buffer : offset < buffer.length ? Buffer.from(buffer.subarray(offset)) : EMPTY
    }
  }

  /** Bytes held back waiting for the rest of a frame. */
  get pending (): number {
    return this.#buffer.length
  }
}

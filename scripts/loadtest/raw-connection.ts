// A client connection that frames, decompresses and decodes only the packets a bot must answer;
// every other packet is counted by id and dropped. Deserializing every chunk would cost the load
// generator more CPU than the server spends sending it.
// Framing and compression: https://minecraft.wiki/w/Java_Edition_protocol#Packet_format
import type { Socket } from 'node:net'
import zlib from 'node:zlib'
import type { ClientState, ProtocolCodec } from './protocol-codec.ts'

/** Packet names to decode per state; anything else is only counted. */
export type WantedPackets = Partial<Record<ClientState, readonly string[]>>

/** Traffic counters of one connection. */
export interface ConnectionStats {
  bytesIn: number
  bytesOut: number
  packetsIn: number
  packetsOut: number
  /** play-state clientbound packet counts indexed by packet id */
  playPacketsById: Uint32Array
}

/** Reads a VarInt; returns [value, bytesRead] or undefined when the buffer ends first. */
export function readVarInt (buffer: Buffer, offset: number): [number, number] | undefined {
  let value = 0
  for (let i = 0; i < 5; i++) {
    if (offset + i >= buffer.length) return undefined
    const byte = buffer[offset + i] as number
    value |= (byte & 0x7f) << (7 * i)
    if ((byte & 0x80) === 0) return [value, i + 1]
  }
  throw new Error('VarInt longer than 5 bytes')
}

function varIntSize (value: number): number {
  let size = 1
  while ((value & ~0x7f) !== 0) { size++; value >>>= 7 }
  return size
}

function writeVarInt (value: number, buffer: Buffer, offset: number): number {
  while ((value & ~0x7f) !== 0) {
    buffer[offset++] = (value & 0x7f) | 0x80
    value >>>= 7
  }
  buffer[offset++] = value
  return offset
}

// Enough compressed bytes to decode the first few output bytes past a dynamic Huffman header.
const PEEK_BYTES = 192
const SYNC_FLUSH = { finishFlush: zlib.constants.Z_SYNC_FLUSH }

/** Minecraft framing, compression and selective decoding over a TCP socket. */
export class RawConnection {
  state: ClientState = 'handshaking'
  compressionThreshold = -1
  readonly stats: ConnectionStats = { bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0, playPacketsById: new Uint32Array(256) }
  private readonly socket: Socket
  private readonly codec: ProtocolCodec
  private readonly wanted: Map<ClientState, Uint8Array>
  private readonly onPacket: (name: string, params: any) => void
  private pending: Buffer[] = []
  private pendingBytes = 0
  private neededBytes = 0

  /**
   * The owner feeds socket reads to receive(); onPacket gets the decoded wanted packets. A throw
   * from onPacket or a framing error destroys the socket with that error.
   */
  constructor (socket: Socket, codec: ProtocolCodec, wanted: WantedPackets, onPacket: (name: string, params: any) => void) {
    this.socket = socket
    this.codec = codec
    this.onPacket = onPacket
    this.wanted = new Map()
    for (const [state, names] of Object.entries(wanted) as [ClientState, string[]][]) {
      const ids = new Uint8Array(256)
      for (const name of names) {
        const id = codec.idOf(state, name)
        if (id >= 0) ids[id] = 1
      }
      this.wanted.set(state, ids)
    }
  }

  /** Encodes and sends a serverbound packet in the current state. */
  send (name: string, params: unknown): void {
    if (this.socket.destroyed || !this.socket.writable) return
    let body = this.codec.encode(this.state, name, params)
    let dataLength = -1
    if (this.compressionThreshold >= 0) {
      if (body.length >= this.compressionThreshold) {
        dataLength = body.length
        body = zlib.deflateSync(body)
      } else {
        dataLength = 0
      }
    }
    const inner = body.length + (dataLength >= 0 ? varIntSize(dataLength) : 0)
    const frame = Buffer.allocUnsafe(varIntSize(inner) + inner)
    let offset = writeVarInt(inner, frame, 0)
    if (dataLength >= 0) offset = writeVarInt(dataLength, frame, offset)
    body.copy(frame, offset)
    this.stats.bytesOut += frame.length
    this.stats.packetsOut++
    this.socket.write(frame)
  }

  /**
   * Feeds bytes read from the socket. The chunk may be a shared read buffer that is reused after
   * this returns, so anything kept for later is copied.
   */
  receive (chunk: Buffer): void {
    try {
      this.decodeFrames(chunk)
    } catch (err) {
      this.socket.destroy(err instanceof Error ? err : new Error(String(err)))
    }
  }

  private decodeFrames (chunk: Buffer): void {
    this.stats.bytesIn += chunk.length
    let buffer = chunk
    if (this.pending.length > 0) {
      this.pending.push(Buffer.from(chunk))
      this.pendingBytes += chunk.length
      // Large packets arrive in many reads: concatenate once, when the whole frame is here.
      if (this.pendingBytes < this.neededBytes) return
      buffer = Buffer.concat(this.pending, this.pendingBytes)
      this.pending = []
      this.pendingBytes = 0
    }
    let offset = 0
    this.neededBytes = 0
    while (offset < buffer.length) {
      const header = readVarInt(buffer, offset)
      if (header === undefined) break
      const [length, size] = header
      if (offset + size + length > buffer.length) {
        this.neededBytes = size + length
        break
      }
      const frame = buffer.subarray(offset + size, offset + size + length)
      offset += size + length
      this.handleFrame(frame)
      // A handler may have closed the socket; stop decoding what is left.
      if (this.socket.destroyed) return
    }
    if (offset < buffer.length) {
      this.pending = [Buffer.from(buffer.subarray(offset))]
      this.pendingBytes = buffer.length - offset
    }
  }

  private handleFrame (frame: Buffer): void {
    this.stats.packetsIn++
    let body = frame
    let compressed = false
    if (this.compressionThreshold >= 0) {
      const header = readVarInt(frame, 0)
      if (header === undefined) throw new Error('truncated compressed packet header')
      body = frame.subarray(header[1])
      compressed = header[0] !== 0
    }
    if (compressed) {
      const peek = body.length > PEEK_BYTES ? zlib.inflateSync(body.subarray(0, PEEK_BYTES), SYNC_FLUSH) : undefined
      const peeked = peek !== undefined ? readVarInt(peek, 0) : undefined
      if (peeked !== undefined && !this.isWanted(peeked[0])) {
        this.count(peeked[0])
        return
      }
      body = zlib.inflateSync(body)
    }
    const header = readVarInt(body, 0)
    if (header === undefined) throw new Error('empty packet')
    const id = header[0]
    this.count(id)
    if (!this.isWanted(id)) return
    const packet = this.codec.decode(this.state, body)
    this.onPacket(packet.name, packet.params)
  }

  private isWanted (id: number): boolean {
    return this.wanted.get(this.state)?.[id] === 1
  }

  private count (id: number): void {
    if (this.state === 'play' && id < 256) this.stats.playPacketsById[id]!++
  }
}

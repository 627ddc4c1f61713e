/**
 * One client's byte pipeline, as stream stages: decrypt → split frames → decompress → parse,
 * and on the way out serialize → compress → frame → encrypt. The gateway owns every stage so
 * it can enforce limits; minecraft-protocol supplies the (de)serializers (flat packets have faster
 * ones of their own, flat-packets.ts, byte-for-byte the same).
 */
import { createCipheriv, createDecipheriv, type Cipheriv, type Decipheriv } from 'node:crypto'
import type { Socket } from 'node:net'
import { TesseraError } from '#shared/errors.ts'
import { atTurnEnd } from '#shared/turn-end.ts'
import { compressPacket, decompressFrame, frame } from './compression.ts'
import { FrameDecoder } from './frame-decoder.ts'
import { codecFor, type PacketCodec, type ProtocolState, type RawPacket } from './packet-codec.ts'

/** Outbound bytes queued beyond this mean the client cannot keep up: it is disconnected. */
export const MAX_OUTBOUND_BUFFER = 16 * 1024 * 1024

/**
 * Connections holding frames written during this event-loop turn. They are all flushed at the
 * turn's end (shared/turn-end.ts), so a tick's worth of packets to one client leaves in one
 * socket write (one syscall, and usually one TCP segment) instead of one per packet.
 */
const unflushed = new Set<ProtocolConnection>()

function flushAll (): void {
  for (const connection of unflushed) connection.flush()
  unflushed.clear()
}

/** What the connection reports to its owner. */
export interface ProtocolEvents {
  packet (packet: RawPacket): void
  /** A protocol violation (bad frame, bad packet) or a socket error. Called at most once. */
  failure (error: Error): void
  close (): void
}

/** A client connection speaking the Minecraft protocol over a socket. */
export class ProtocolConnection {
  readonly socket: Socket
  readonly remoteAddress: string
  #state: ProtocolState = 'handshaking'
  #version: string
  #codec: PacketCodec
  #threshold = -1
  #cipher: Cipheriv | undefined
  #decipher: Decipheriv | undefined
  readonly #frames = new FrameDecoder()
  readonly #events: ProtocolEvents
  #failed = false
  #closed = false
  /** Frames written this turn, plain (encryption is applied to their concatenation on flush). */
  #pending: Buffer[] = []
  #pendingBytes = 0
  /** The socket's unsent bytes when the first frame of this turn was queued. */
  #socketBacklog = 0
  bytesIn = 0
  bytesOut = 0

  constructor (socket: Socket, version: string, events: ProtocolEvents) {
    this.socket = socket
    this.remoteAddress = socket.remoteAddress ?? 'unknown'
    this.#version = version
    this.#codec = codecFor(version, 'handshaking')
    this.#events = events
    socket.setNoDelay(true)
    socket.on('data', (data: Buffer) => { this.#onData(data) })
    socket.on('error', (err) => { this.#fail(err) })
    socket.on('close', () => {
      this.#closed = true
      this.#pending = []
      this.#pendingBytes = 0
      this.#events.close()
    })
  }

  get state (): ProtocolState { return this.#state }
  get version (): string { return this.#version }
  get closed (): boolean { return this.#closed }
  /** The negotiated compression threshold, or -1 before Set Compression. */
  get compressionThreshold (): number { return this.#threshold }

  /** Switches the packet tables to another state (and version, when the client chose one). */
  setState (state: ProtocolState, version = this.#version): void {
    this.#state = state
    this.#version = version
    this.#codec = codecFor(version, state)
  }

  /** Turns on AES/CFB8 with the shared secret, both ways, from the next byte. */
  enableEncryption (sharedSecret: Buffer): void {
    this.flush() // frames written before this point leave in plain text
    this.#cipher = createCipheriv('aes-128-cfb8', sharedSecret, sharedSecret)
    this.#decipher = createDecipheriv('aes-128-cfb8', sharedSecret, sharedSecret)
  }

  /** Compresses packets at or above threshold from the next packet on (after Set Compression was sent). */
  enableCompression (threshold: number): void {
    this.#threshold = threshold
  }

  /** Serializes and sends one packet in the current state. */
  write (name: string, params: unknown): void {
    this.writePacket(this.#codec.encode(name, params))
  }

  /** Encodes a packet in the current state without sending it (for encode-once fan-out). */
  encode (name: string, params: unknown): Buffer {
    return this.#codec.encode(name, params)
  }

  /** Sends already-serialized packet bytes (id + fields). */
  writePacket (packet: Buffer): void {
    const body = this.#threshold >= 0 ? compressPacket(packet, this.#threshold) : packet
    this.writeFrame(frame(body))
  }

  /**
   * Sends a complete frame (length prefix included) built for this connection's compression
   * threshold; only encryption is applied here. Shared by every client that needs the bytes.
   */
  writeFrame (framed: Buffer): void {
    if (this.#closed || this.socket.destroyed || !this.socket.writable) return
    // Frames are queued in write order and leave together at the end of this event-loop turn.
    this.#pending.push(framed)
    this.#pendingBytes += framed.length
    this.bytesOut += framed.length
    if (this.#pending.length === 1) {
      // What the socket still holds changes only when this turn's frames are flushed.
      this.#socketBacklog = this.socket.writableLength
      unflushed.add(this)
      atTurnEnd(flushAll)
    }
    if (this.#socketBacklog + this.#pendingBytes > MAX_OUTBOUND_BUFFER) {
      this.#fail(new TesseraError('GW_KEEPALIVE_TIMEOUT', 'client is not reading (outbound buffer full)'))
    }
  }

  /**
   * Writes the frames queued this turn as one socket write, encrypting their concatenation (the
   * AES/CFB8 stream is the same whether ciphered frame by frame or at once). Normally called by
   * the shared end-of-turn flush; end() and destroy() call it so nothing written is lost.
   */
  flush (): void {
    if (this.#pending.length === 0) return
    const pending = this.#pending
    this.#pending = []
    this.#pendingBytes = 0
    if (this.#closed || this.socket.destroyed || !this.socket.writable) return
    const plain = pending.length === 1 ? pending[0]! : Buffer.concat(pending)
    this.socket.write(this.#cipher === undefined ? plain : this.#cipher.update(plain))
  }

  /** Flushes and closes the socket. */
  end (): void {
    if (this.#closed) return
    this.flush()
    this.socket.end()
    // A client that never reads would keep the socket half-open forever.
    setTimeout(() => { this.socket.destroy() }, 1000).unref()
  }

  /** Closes at once (frames already written this turn are still handed to the socket). */
  destroy (): void {
    this.flush()
    this.socket.destroy()
  }

  #onData (data: Buffer): void {
    if (this.#failed) return
    this.bytesIn += data.length
    try {
      this.#frames.push(this.#decipher === undefined ? data : this.#decipher.update(data), this.#onFrame)
    } catch (err) {
      this.#fail(err as Error)
    }
  }

  /** One frame in: decompressed, decoded and handed on, unless an earlier one ended the connection. */
  readonly #onFrame = (body: Buffer): void => {
    if (this.#failed || this.#closed) return
    const packet = this.#threshold >= 0 ? decompressFrame(body, this.#threshold) : body
    this.#events.packet(this.#codec.decode(packet))
  }

  #fail (error: Error): void {
    if (this.#failed) return
    this.#failed = true
    this.#events.failure(error)
  }
}

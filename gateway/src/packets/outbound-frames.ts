/**
 * Encode once, send many (DESIGN decision 5): a play packet is serialized, compressed and
 * framed once for the gateway's compression threshold; every client gets the same bytes and
 * only encryption is applied per client. Chunk packets are also cached by chunk revision.
 */
import { compressPacket, frame } from '../protocol/compression.ts'
import { codecFor } from '../protocol/packet-codec.ts'

/** Builds shared frames for play-state clientbound packets. */
export class OutboundFrames {
  readonly #version: string
  readonly #threshold: number
  readonly #chunks = new Map<string, { revision: number, frame: Buffer }>()
  readonly #maxCachedChunks: number
  encoded = 0
  chunkCacheHits = 0

  constructor (version: string, threshold: number, maxCachedChunks = 4096) {
    this.#version = version
    this.#threshold = threshold
    this.#maxCachedChunks = maxCachedChunks
  }

  /** The framed bytes of one play packet. */
  play (name: string, params: unknown): Buffer {
    return this.packet(codecFor(this.#version, 'play').encode(name, params))
  }

  /** The framed bytes of a play packet already serialized (id and fields). */
  packet (packet: Buffer): Buffer {
    this.encoded++
    return frame(this.#threshold >= 0 ? compressPacket(packet, this.#threshold) : packet)
  }

  /** A chunk packet's frame at this revision if the cache holds it. */
  cachedChunk (key: string, revision: number): Buffer | undefined {
    const cached = this.#chunks.get(key)
    if (cached === undefined || cached.revision !== revision) return undefined
    this.chunkCacheHits++
    this.#chunks.delete(key)
    this.#chunks.set(key, cached)
    return cached.frame
  }

  /** A chunk packet's frame at this revision from the cache, building it with `build` on a miss. */
  chunk (key: string, revision: number, build: () => Buffer): Buffer {
    // Map iteration order is insertion order: a hit is moved to the end (most recent).
    const cached = this.cachedChunk(key, revision)
    if (cached !== undefined) return cached
    const built = build()
    this.#chunks.delete(key)
    this.#chunks.set(key, { revision, frame: built })
    if (this.#chunks.size > this.#maxCachedChunks) {
      const oldest = this.#chunks.keys().next().value
      if (oldest !== undefined) this.#chunks.delete(oldest)
    }
    return built
  }
}

/**
 * Framing and message encoding for internal links (DESIGN decision 9): every frame is a u32
 * big-endian length followed by that many payload bytes, with an explicit, configured maximum
 * far above the largest chunk. A message payload is a compact envelope: a JSON header plus the
 * message's Uint8Array fields (chunk sections, light arrays) appended as raw bytes, so a chunk
 * never goes through JSON or base64.
 *
 * Message payload layout (all integers big-endian):
 *
 *   u8  MESSAGE_FORMAT (1)
 *   u32 header length, then the header: UTF-8 JSON `[message, blobPaths]`, where each
 *       Uint8Array of the message is replaced by 0 and blobPaths[i] is the key path to it
 *   u32 blob count (equals blobPaths.length), then per blob: u32 length, the bytes
 *
 * Like the rest of shared/src/cluster/, this is transport plumbing that every service needs;
 * it lives in shared/ only because services may import nothing else (STYLE rule 2 exception).
 */
import { WorldCommand, WorldFact, type GatewayToNode, type NodeToGateway } from '../world-messages.ts'

/** Default largest frame: 64 MiB, far above the largest chunk column (a few MiB). */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024
/** Largest frame the u32 length prefix can express. */
export const FRAME_LENGTH_LIMIT = 0xffff_ffff
/** First payload byte of a message frame; link control frames use other values. */
export const MESSAGE_FORMAT = 1

const HEADER_BYTES = 4

/** Why a frame or message was rejected. */
export type FrameErrorCode = 'FRAME_TOO_LARGE' | 'FRAME_EMPTY' | 'FRAME_MALFORMED'

/** A frame or message that breaks the format; the link that received it is closed. */
export class FrameError extends Error {
  readonly code: FrameErrorCode

  constructor (code: FrameErrorCode, detail: string) {
    super(detail)
    this.name = 'FrameError'
    this.code = code
  }
}

/** Checks a configured maximum frame size. */
function checkMax (maxFrameBytes: number): number {
  if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 1 || maxFrameBytes > FRAME_LENGTH_LIMIT) {
    throw new RangeError(`maxFrameBytes must be an integer from 1 to ${FRAME_LENGTH_LIMIT}, got ${maxFrameBytes}`)
  }
  return maxFrameBytes
}

/** Prefixes a payload with its length. Copies once; prefer encodeMessageFrame for messages. */
export function encodeFrame (payload: Uint8Array, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES): Buffer {
  checkMax(maxFrameBytes)
  if (payload.length === 0) throw new FrameError('FRAME_EMPTY', 'cannot send an empty frame')
  if (payload.length > maxFrameBytes) {
    throw new FrameError('FRAME_TOO_LARGE', `frame of ${payload.length} bytes exceeds the ${maxFrameBytes}-byte maximum`)
  }
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length)
  frame.writeUInt32BE(payload.length, 0)
  frame.set(payload, HEADER_BYTES)
  return frame
}

/**
 * Streaming frame decoder: feed it whatever the socket delivers, in any split, and it calls
 * back once per complete payload, in order. An oversize length is rejected as soon as the
 * 4-byte prefix is read, before any of the payload is buffered. After an error the decoder is
 * dead: every later push throws the same error.
 */
export class FrameDecoder {
  /** Read before every frame, so a link can raise it once the peer is authenticated. */
  maxFrameBytes: number
  readonly #header = Buffer.alloc(HEADER_BYTES)
  #headerFilled = 0
  #payload: Buffer | null = null
  #payloadFilled = 0
  #failure: FrameError | null = null

  constructor (options: { maxFrameBytes?: number } = {}) {
    this.maxFrameBytes = checkMax(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES)
  }

  /** Bytes of the frame in progress that have arrived (0 between frames). */
  get pendingBytes (): number {
    return this.#payload === null ? this.#headerFilled : HEADER_BYTES + this.#payloadFilled
  }

  /**
   * Consumes a chunk, calling onFrame for every payload it completes. A payload that arrived
   * whole inside the chunk is a view of it (no copy); one split over chunks is copied once.
   */
  push (chunk: Uint8Array, onFrame: (payload: Buffer) => void): void {
    if (this.#failure !== null) throw this.#failure
    const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    let offset = 0
    while (offset < data.length) {
      if (this.#payload === null) {
        const take = Math.min(HEADER_BYTES - this.#headerFilled, data.length - offset)
        data.copy(this.#header, this.#headerFilled, offset, offset + take)
        this.#headerFilled += take
        offset += take
        if (this.#headerFilled < HEADER_BYTES) return
        this.#headerFilled = 0
        const length = this.#header.readUInt32BE(0)
        this.#checkLength(length)
        if (data.length - offset >= length) {
          const payload = data.subarray(offset, offset + length)
          offset += length
          onFrame(payload)
          continue
        }
        this.#payload = Buffer.allocUnsafe(length)
        this.#payloadFilled = 0
        continue
      }
      const take = Math.min(this.#payload.length - this.#payloadFilled, data.length - offset)
      data.copy(this.#payload, this.#payloadFilled, offset, offset + take)
      this.#payloadFilled += take
      offset += take
      if (this.#payloadFilled === this.#payload.length) {
        const payload = this.#payload
        this.#payload = null
        onFrame(payload)
      }
    }
  }

  #checkLength (length: number): void {
    if (length === 0) this.#fail(new FrameError('FRAME_EMPTY', 'received an empty frame'))
    if (length > this.maxFrameBytes) {
      this.#fail(new FrameError('FRAME_TOO_LARGE', `frame of ${length} bytes exceeds the ${this.maxFrameBytes}-byte maximum`))
    }
  }

  #fail (error: FrameError): never {
    this.#failure = error
    throw error
  }
}

type PathKey = string | number

/**
 * Replaces every Uint8Array under value by 0, collecting the arrays and their key paths.
 * Objects are copied only along paths that hold a blob; a message without blobs is returned
 * as it is.
 */
function extractBlobs (value: unknown, path: PathKey[], blobs: Uint8Array[], paths: PathKey[][]): unknown {
  if (value instanceof Uint8Array) {
    blobs.push(value)
    paths.push(path.slice())
    return 0
  }
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null
    for (let i = 0; i < value.length; i++) {
      path.push(i)
      const replaced = extractBlobs(value[i], path, blobs, paths)
      path.pop()
      if (replaced !== value[i]) {
        copy ??= value.slice()
        copy[i] = replaced
      }
    }
    return copy ?? value
  }
  let copy: Record<string, unknown> | null = null
  const record = value as Record<string, unknown>
  for (const key of Object.keys(record)) {
    path.push(key)
    const replaced = extractBlobs(record[key], path, blobs, paths)
    path.pop()
    if (replaced !== record[key]) {
      copy ??= { ...record }
      copy[key] = replaced
    }
  }
  return copy ?? value
}

/**
 * Encodes a message as one complete frame (length prefix included) in a single buffer.
 * Throws FrameError when the frame would exceed maxFrameBytes: the peer would refuse it.
 */
export function encodeMessageFrame (message: object, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES): Buffer {
  checkMax(maxFrameBytes)
  const blobs: Uint8Array[] = []
  const paths: PathKey[][] = []
  const stripped = extractBlobs(message, [], blobs, paths)
  const header = JSON.stringify([stripped, paths])
  const headerBytes = Buffer.byteLength(header)
  let payloadLength = 1 + 4 + headerBytes + 4
  for (const blob of blobs) payloadLength += 4 + blob.length
  if (payloadLength > maxFrameBytes) {
    throw new FrameError('FRAME_TOO_LARGE', `message ${describeType(message)} of ${payloadLength} bytes exceeds the ${maxFrameBytes}-byte frame maximum`)
  }
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payloadLength)
  let offset = frame.writeUInt32BE(payloadLength, 0)
  offset = frame.writeUInt8(MESSAGE_FORMAT, offset)
  offset = frame.writeUInt32BE(headerBytes, offset)
  offset += frame.write(header, offset, 'utf8')
  offset = frame.writeUInt32BE(blobs.length, offset)
  for (const blob of blobs) {
    offset = frame.writeUInt32BE(blob.length, offset)
    frame.set(blob, offset)
    offset += blob.length
  }
  return frame
}

/** Encodes a message payload without the frame's length prefix. */
export function encodeMessage (message: object, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES): Buffer {
  return encodeMessageFrame(message, maxFrameBytes).subarray(HEADER_BYTES)
}

function describeType (message: object): string {
  const type = (message as { type?: unknown }).type
  return typeof type === 'string' ? type : '(untyped)'
}

/**
 * Decodes a message payload. Blobs come back as plain Uint8Array views of the payload (no
 * copy). Throws FrameError('FRAME_MALFORMED') on any inconsistency: wrong format byte,
 * lengths that overrun, bad JSON, a blob path that does not lead to its placeholder, or
 * trailing bytes. The result is an object; checking its shape is the caller's job.
 */
export function decodeMessage (payload: Uint8Array): Record<string, unknown> {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  const malformed = (detail: string): never => { throw new FrameError('FRAME_MALFORMED', detail) }
  if (data.length < 9) malformed(`message payload of ${data.length} bytes is too short`)
  if (data[0] !== MESSAGE_FORMAT) malformed(`unknown message format ${data[0]}`)
  const headerBytes = data.readUInt32BE(1)
  let offset = 5
  if (headerBytes > data.length - offset - 4) malformed(`header length ${headerBytes} overruns the ${data.length}-byte payload`)
  let parsed: unknown
  try {
    parsed = JSON.parse(data.toString('utf8', offset, offset + headerBytes))
  } catch (err) {
    malformed(`header is not JSON: ${(err as Error).message}`)
  }
  offset += headerBytes
  if (!Array.isArray(parsed) || parsed.length !== 2 || !Array.isArray(parsed[1])) malformed('header is not [message, blobPaths]')
  const [message, paths] = parsed as [unknown, unknown[]]
  if (message === null || typeof message !== 'object' || Array.isArray(message)) malformed('message is not an object')
  const blobCount = data.readUInt32BE(offset)
  offset += 4
  if (blobCount !== paths.length) malformed(`blob count ${blobCount} differs from ${paths.length} blob paths`)
  for (const path of paths) {
    if (offset + 4 > data.length) malformed('blob length overruns the payload')
    const length = data.readUInt32BE(offset)
    offset += 4
    if (length > data.length - offset) malformed(`blob of ${length} bytes overruns the payload`)
    placeBlob(message as object, path, new Uint8Array(data.buffer, data.byteOffset + offset, length), malformed)
    offset += length
  }
  if (offset !== data.length) malformed(`${data.length - offset} trailing bytes after the message`)
  return message as Record<string, unknown>
}

function placeBlob (root: object, path: unknown, blob: Uint8Array, malformed: (detail: string) => never): void {
  if (!Array.isArray(path) || path.length === 0) malformed('blob path is not a non-empty array')
  let parent: unknown = root
  for (let i = 0; i < path.length; i++) {
    const key: unknown = path[i]
    if (parent === null || typeof parent !== 'object') malformed(`blob path ${JSON.stringify(path)} does not exist`)
    const container = parent as Record<string | number, unknown>
    const valid = Array.isArray(container)
      ? Number.isInteger(key) && (key as number) >= 0 && (key as number) < container.length
      : typeof key === 'string' && key !== '__proto__' && Object.hasOwn(container, key)
    if (!valid) malformed(`blob path ${JSON.stringify(path)} does not exist`)
    if (i === path.length - 1) {
      if (container[key as string] !== 0) malformed(`blob path ${JSON.stringify(path)} does not hold a placeholder`)
      container[key as string] = blob
      return
    }
    parent = container[key as string]
  }
}

const COMMAND_TYPES: ReadonlySet<string> = new Set(Object.values(WorldCommand))
const FACT_TYPES: ReadonlySet<string> = new Set(Object.values(WorldFact))

/**
 * True when a decoded message names a gateway→node command. Only the type is checked: field
 * bounds are checked where the message is handled.
 */
export function isGatewayToNode (value: unknown): value is GatewayToNode {
  return typeof value === 'object' && value !== null && COMMAND_TYPES.has((value as { type?: unknown }).type as string)
}

/** True when a decoded message names a node→gateway fact (type only, as isGatewayToNode). */
export function isNodeToGateway (value: unknown): value is NodeToGateway {
  return typeof value === 'object' && value !== null && FACT_TYPES.has((value as { type?: unknown }).type as string)
}

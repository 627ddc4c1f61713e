/**
 * The typed edge of minecraft-protocol's serializers: one codec per (version, state), built
 * once and shared by every connection. Parsing is strict: an unknown packet id, a short read
 * or trailing bytes are all a malformed packet.
 */
import mc from 'minecraft-protocol'
import { TesseraError } from '#shared/errors.ts'

/** Connection states, in the order a connection moves through them. */
export type ProtocolState = 'handshaking' | 'status' | 'login' | 'configuration' | 'play'

/** A decoded serverbound packet before its handler types it. */
export interface RawPacket { readonly name: string, readonly params: Record<string, unknown> }

interface Serializer { createPacketBuffer (packet: { name: string, params: unknown }): Buffer }
interface Parser { parsePacketBuffer (buffer: Buffer): { data: { name: string | number, params: unknown }, metadata: { size: number } } }

/** Encodes clientbound and decodes serverbound packets of one version and state. */
export interface PacketCodec {
  encode (name: string, params: unknown): Buffer
  decode (buffer: Buffer): RawPacket
}

const cache = new Map<string, PacketCodec>()

/** The codec for a game version (e.g. '1.21.4') and connection state; cached. */
export function codecFor (version: string, state: ProtocolState): PacketCodec {
  const key = `${version};${state}`
  let codec = cache.get(key)
  if (codec === undefined) {
    codec = createCodec(version, state)
    cache.set(key, codec)
  }
  return codec
}

function createCodec (version: string, state: ProtocolState): PacketCodec {
  const serializer = mc.createSerializer({ state, isServer: true, version } as never) as unknown as Serializer
  const parser = mc.createDeserializer({ state: state as never, isServer: true, version, noErrorLogging: true } as never) as unknown as Parser
  return {
    encode (name, params) {
      return serializer.createPacketBuffer({ name, params })
    },
    decode (buffer) {
      let parsed
      try {
        parsed = parser.parsePacketBuffer(buffer)
      } catch (err) {
        throw new TesseraError('GW_BAD_PACKET', `${state}: ${(err as Error).message.slice(0, 200)}`)
      }
      const { name, params } = parsed.data
      if (typeof name !== 'string' || params === undefined) {
        throw new TesseraError('GW_BAD_PACKET', `${state}: unknown packet id 0x${buffer[0]?.toString(16) ?? '??'}`)
      }
      if (parsed.metadata.size !== buffer.length) {
        throw new TesseraError('GW_BAD_PACKET', `${state} ${name}: ${buffer.length - parsed.metadata.size} trailing bytes`)
      }
      return { name, params: params as Record<string, unknown> }
    }
  }
}

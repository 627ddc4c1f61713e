/**
 * The typed edge of minecraft-protocol's serializers: one codec per (version, state), built
 * once and shared by every connection. Parsing is strict: an unknown packet id, a short read
 * or trailing bytes are all a malformed packet.
 */
import minecraftData from 'minecraft-data'
import mc from 'minecraft-protocol'
import { TesseraError } from '#shared/errors.ts'
import { flatLayouts, readFlat, writeFlat, type FlatLayout, type ProtocolTypes } from './flat-packets.ts'

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

/** The flat packets of a version and state, clientbound by name and serverbound by id. */
function flatPackets (version: string, state: ProtocolState): { clientbound: Map<string, FlatLayout>, serverbound: Map<number, FlatLayout> } {
  const protocol = minecraftData(version)?.protocol as Record<string, unknown> | undefined
  const directions = protocol?.[state] as { toClient?: { types: ProtocolTypes }, toServer?: { types: ProtocolTypes } } | undefined
  const shared = (protocol?.types ?? {}) as ProtocolTypes
  const clientbound = flatLayouts(directions?.toClient?.types ?? {}, shared)
  const serverbound = flatLayouts(directions?.toServer?.types ?? {}, shared)
  return {
    clientbound: new Map(clientbound.map((layout) => [layout.name, layout])),
    serverbound: new Map(serverbound.map((layout) => [layout.id, layout]))
  }
}

function createCodec (version: string, state: ProtocolState): PacketCodec {
  const serializer = mc.createSerializer({ state, isServer: true, version } as never) as unknown as Serializer
  const parser = mc.createDeserializer({ state: state as never, isServer: true, version, noErrorLogging: true } as never) as unknown as Parser
  const flat = flatPackets(version, state)
  return {
    encode (name, params) {
      const layout = flat.clientbound.get(name)
      if (layout !== undefined) return writeFlat(layout, params as Record<string, unknown>)
      return serializer.createPacketBuffer({ name, params })
    },
    decode (buffer) {
      const id = buffer.length > 0 && buffer[0]! < 0x80 ? buffer[0]! : undefined
      const layout = id === undefined ? undefined : flat.serverbound.get(id)
      if (layout !== undefined) return { name: layout.name, params: readFlat(layout, buffer, 1) }
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

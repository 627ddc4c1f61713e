// Packet ids, serializers and deserializers for one protocol version, built once per run and
// shared by every bot: compiling protodef is costly, using it is cheap.
// Protocol reference: https://minecraft.wiki/w/Java_Edition_protocol
import { createRequire } from 'node:module'
import minecraftProtocol from 'minecraft-protocol'

const require = createRequire(import.meta.url)
const minecraftData = require('minecraft-data') as (version: string) => any

/** The connection states a client passes through after the handshake. */
export type ClientState = 'handshaking' | 'login' | 'configuration' | 'play'

/** A parsed clientbound packet: its name and minecraft-protocol's (untyped) fields. */
export interface ParsedPacket {
  name: string
  params: any
}

interface StateCodec {
  /** clientbound packet id → name */
  names: string[]
  serializer: { createPacketBuffer(packet: { name: string, params: unknown }): Buffer }
  deserializer: { parsePacketBuffer(buffer: Buffer): { data: ParsedPacket } }
}

/** Encodes serverbound and decodes clientbound packets for one version. */
export interface ProtocolCodec {
  version: string
  protocolVersion: number
  /** Clientbound name of a packet id in a state, or undefined for an unknown id. */
  nameOf(state: ClientState, id: number): string | undefined
  /** The clientbound id of a named packet, or -1 if this version has none. */
  idOf(state: ClientState, name: string): number
  encode(state: ClientState, name: string, params: unknown): Buffer
  decode(state: ClientState, body: Buffer): ParsedPacket
}

function mappingsOf (protocol: any, state: ClientState, direction: 'toClient' | 'toServer'): Record<string, string> {
  // minecraft-data: packet = container [ name: mapper(varint → name), params: switch(name) ]
  const mapper = protocol[state]?.[direction]?.types?.packet?.[1]?.[0]?.type?.[1]?.mappings
  if (mapper === undefined) throw new Error(`minecraft-data has no ${state} ${direction} packet ids`)
  return mapper as Record<string, string>
}

/** Builds the codec for a Minecraft version such as "1.21.4"; throws if it is unknown. */
export function createProtocolCodec (version: string): ProtocolCodec {
  const data = minecraftData(version)
  if (data === null || data === undefined) throw new Error(`unknown Minecraft version ${version}`)
  const states: ClientState[] = ['handshaking', 'login', 'configuration', 'play']
  const codecs = new Map<ClientState, StateCodec>()
  for (const state of states) {
    const names: string[] = []
    if (state !== 'handshaking') {
      for (const [hex, name] of Object.entries(mappingsOf(data.protocol, state, 'toClient'))) names[Number(hex)] = name
    }
    codecs.set(state, {
      names,
      serializer: minecraftProtocol.createSerializer({ state, isServer: false, version } as any),
      deserializer: minecraftProtocol.createDeserializer({ state, isServer: false, version } as any)
    })
  }
  const codecOf = (state: ClientState): StateCodec => {
    const codec = codecs.get(state)
    if (codec === undefined) throw new Error(`no codec for state ${state}`)
    return codec
  }
  return {
    version,
    protocolVersion: data.version.version as number,
    nameOf: (state, id) => codecOf(state).names[id],
    idOf: (state, name) => codecOf(state).names.indexOf(name),
    encode: (state, name, params) => codecOf(state).serializer.createPacketBuffer({ name, params }),
    decode: (state, body) => codecOf(state).deserializer.parsePacketBuffer(body).data
  }
}

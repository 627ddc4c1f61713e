/**
 * Codecs for "flat" packets: those whose fields are all fixed-size numbers, booleans, VarInts or
 * bit flags, read from the version's own protocol definition (minecraft-data). They are the
 * hottest packets a server handles: a walking player sends 20 movement packets a second, and
 * every viewer gets entity moves and head turns. protodef's general interpreter allocates a
 * result object per field and walks each packet twice to encode it; these read and write the
 * bytes directly. Their output is byte-for-byte and value-for-value protodef's (the tests compare
 * every flat packet of each supported version both ways), so they are a fast path, not a second
 * protocol definition.
 */
import { TesseraError } from '#shared/errors.ts'
import { readVarInt, sizeOfVarInt, writeVarInt } from './varint.ts'

/** The field types a flat packet may have, each with its size in bytes (VarInt: variable). */
const FIXED_SIZE = { bool: 1, i8: 1, u8: 1, i16: 2, u16: 2, i32: 4, u32: 4, f32: 4, f64: 8 } as const
type FixedType = keyof typeof FIXED_SIZE

/** One field of a flat packet. Bit flags are a u8 read as `{ _value, flag: boolean, ... }`. */
type FlatField =
  | { readonly name: string, readonly kind: FixedType }
  | { readonly name: string, readonly kind: 'varint' }
  | { readonly name: string, readonly kind: 'flags', readonly flags: readonly string[] }

/** A flat packet's id and fields, in wire order. */
export interface FlatLayout {
  readonly id: number
  readonly name: string
  readonly fields: readonly FlatField[]
}

/** protodef type definitions as minecraft-data ships them, by name. */
export type ProtocolTypes = Readonly<Record<string, unknown>>

function isFixed (type: unknown): type is FixedType {
  return typeof type === 'string' && Object.hasOwn(FIXED_SIZE, type)
}

/** The field for a protodef type, or undefined when the type is not flat. */
function flatField (name: string, type: unknown, types: ProtocolTypes): FlatField | undefined {
  if (isFixed(type)) return { name, kind: type }
  if (type === 'varint') return { name, kind: 'varint' }
  const definition = typeof type === 'string' ? types[type] : type
  if (!Array.isArray(definition) || definition[0] !== 'bitflags') return undefined
  const options = definition[1] as { type?: unknown, flags?: unknown, big?: unknown, shift?: unknown }
  const flags = options.flags
  if (options.type !== 'u8' || options.big === true || options.shift === true || !Array.isArray(flags) || flags.length > 8) return undefined
  if (!flags.every((flag) => typeof flag === 'string')) return undefined
  return { name, kind: 'flags', flags }
}

/**
 * The flat packets of one direction of one state: `types` is that direction's `types` object
 * from minecraft-data's protocol.json, `shared` the protocol's top-level types.
 */
export function flatLayouts (types: ProtocolTypes, shared: ProtocolTypes): FlatLayout[] {
  const resolve: ProtocolTypes = { ...shared, ...types }
  const packet = types.packet as [string, Array<{ name: string, type: unknown }>] | undefined
  const nameField = packet?.[1]?.find((field) => field.name === 'name')?.type as [string, { mappings: Record<string, string> }] | undefined
  const paramsField = packet?.[1]?.find((field) => field.name === 'params')?.type as [string, { fields: Record<string, string> }] | undefined
  if (nameField?.[0] !== 'mapper' || paramsField?.[0] !== 'switch') return []
  const layouts: FlatLayout[] = []
  for (const [hexId, name] of Object.entries(nameField[1].mappings)) {
    const typeName = paramsField[1].fields[name]
    const definition = typeName === undefined ? undefined : types[typeName]
    if (!Array.isArray(definition) || definition[0] !== 'container') continue
    const fields: FlatField[] = []
    for (const field of definition[1] as Array<{ name?: string, type: unknown }>) {
      const flat = field.name === undefined ? undefined : flatField(field.name, field.type, resolve)
      if (flat === undefined) break
      fields.push(flat)
    }
    if (fields.length === (definition[1] as unknown[]).length) layouts.push({ id: Number(hexId), name, fields })
  }
  return layouts
}

function short (layout: FlatLayout): TesseraError {
  return new TesseraError('GW_BAD_PACKET', `${layout.name}: packet ends early`)
}

/**
 * Reads a flat packet's fields starting at `offset` (just past its id) to the buffer's end, as
 * protodef would decode them. Throws GW_BAD_PACKET when the bytes are short or left over.
 */
export function readFlat (layout: FlatLayout, buffer: Buffer, offset: number): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const field of layout.fields) {
    if (field.kind === 'varint') {
      let read
      try {
        read = readVarInt(buffer, offset)
      } catch {
        throw new TesseraError('GW_BAD_PACKET', `${layout.name}: ${field.name} is longer than 5 bytes`)
      }
      if (read === 'incomplete') throw short(layout)
      params[field.name] = read.value
      offset += read.size
      continue
    }
    const size = field.kind === 'flags' ? 1 : FIXED_SIZE[field.kind]
    if (offset + size > buffer.length) throw short(layout)
    switch (field.kind) {
      case 'bool': params[field.name] = buffer.readInt8(offset) !== 0; break
      case 'i8': params[field.name] = buffer.readInt8(offset); break
      case 'u8': params[field.name] = buffer.readUInt8(offset); break
      case 'i16': params[field.name] = buffer.readInt16BE(offset); break
      case 'u16': params[field.name] = buffer.readUInt16BE(offset); break
      case 'i32': params[field.name] = buffer.readInt32BE(offset); break
      case 'u32': params[field.name] = buffer.readUInt32BE(offset); break
      case 'f32': params[field.name] = buffer.readFloatBE(offset); break
      case 'f64': params[field.name] = buffer.readDoubleBE(offset); break
      case 'flags': {
        const bits = buffer.readUInt8(offset)
        const value: Record<string, unknown> = { _value: bits }
        for (let i = 0; i < field.flags.length; i++) value[field.flags[i]!] = (bits & (1 << i)) !== 0
        params[field.name] = value
        break
      }
    }
    offset += size
  }
  if (offset !== buffer.length) throw new TesseraError('GW_BAD_PACKET', `${layout.name}: ${buffer.length - offset} trailing bytes`)
  return params
}

/** The packet bytes (id and fields, no frame) of a flat packet, as protodef would write them. */
export function writeFlat (layout: FlatLayout, params: Record<string, unknown>): Buffer {
  let size = sizeOfVarInt(layout.id)
  for (const field of layout.fields) {
    size += field.kind === 'varint' ? sizeOfVarInt(params[field.name] as number) : field.kind === 'flags' ? 1 : FIXED_SIZE[field.kind]
  }
  const buffer = Buffer.allocUnsafe(size)
  let offset = writeVarInt(layout.id, buffer, 0)
  for (const field of layout.fields) {
    const value = params[field.name]
    switch (field.kind) {
      case 'varint': offset = writeVarInt(value as number, buffer, offset); break
      case 'bool': offset = buffer.writeInt8(value === true ? 1 : 0, offset); break // protodef: +value
      case 'i8': offset = buffer.writeInt8(value as number, offset); break
      case 'u8': offset = buffer.writeUInt8(value as number, offset); break
      case 'i16': offset = buffer.writeInt16BE(value as number, offset); break
      case 'u16': offset = buffer.writeUInt16BE(value as number, offset); break
      case 'i32': offset = buffer.writeInt32BE(value as number, offset); break
      case 'u32': offset = buffer.writeUInt32BE(value as number, offset); break
      case 'f32': offset = buffer.writeFloatBE(value as number, offset); break
      case 'f64': offset = buffer.writeDoubleBE(value as number, offset); break
      case 'flags': {
        const flags = value as Record<string, unknown>
        let bits = typeof flags._value === 'number' ? flags._value : 0
        for (let i = 0; i < field.flags.length; i++) if (flags[field.flags[i]!] === true) bits |= 1 << i // protodef: any truthy value
        offset = buffer.writeUInt8(bits, offset)
        break
      }
    }
  }
  return buffer
}

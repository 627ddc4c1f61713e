/** The minecraft:brand plugin message payload: one VarInt-prefixed UTF-8 string. */
import { sizeOfVarInt, writeVarInt } from '../protocol/varint.ts'

/** Encodes the server brand for the minecraft:brand channel. */
export function encodeBrand (brand: string): Buffer {
  const text = Buffer.from(brand, 'utf8')
  const out = Buffer.allocUnsafe(sizeOfVarInt(text.length) + text.length)
  text.copy(out, writeVarInt(text.length, out, 0))
  return out
}

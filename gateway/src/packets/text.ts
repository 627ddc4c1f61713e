/** Text components for chat, kicks and system messages, in the NBT form 1.20.3+ clients read. */
import nbt from 'prismarine-nbt'

/** A plain text component as anonymous NBT. */
export function textComponent (text: string, color?: string): unknown {
  return color === undefined
    ? nbt.comp({ text: nbt.string(text) })
    : nbt.comp({ text: nbt.string(text), color: nbt.string(color) })
}

/**
 * Per-version game data the gateway needs to speak to clients: the registries sent during
 * configuration, and the ids packets refer to (dimension type, chat type, entity and item ids).
 * Built once per gateway from minecraft-data.
 */
import minecraftData from 'minecraft-data'
import type { ItemStack } from '#shared/world-messages.ts'

/** One Registry Data packet's fields. */
export interface RegistryDataPacket { readonly id: string, readonly entries: ReadonlyArray<{ key: string, value?: unknown }> }

/** Ids and registries for one game version. */
export interface GameRegistries {
  readonly version: string
  readonly protocolVersion: number
  readonly registryData: readonly RegistryDataPacket[]
  /** Index of minecraft:overworld in the dimension_type registry as sent. */
  readonly overworldDimension: number
  /** Index of minecraft:chat in the chat_type registry as sent. */
  readonly chatType: number
  readonly playerEntityType: number
  /** Whether this version has the 1.21.5+ shape of packets that changed (heightmaps, time, spawn). */
  readonly modern: boolean
  itemId (name: string): number | undefined
  itemName (id: number): string | undefined
  /** The protocol Slot structure for a stack (or the empty slot). */
  slot (item: ItemStack | null): unknown
}

/** Loads the registries of a version; throws for a version minecraft-data lacks. */
export function loadGameRegistries (version: string): GameRegistries {
  const data = minecraftData(version)
  if (data === undefined || data === null) throw new Error(`no game data for ${version}`)
  const codec = (data as unknown as { loginPacket?: { dimensionCodec?: Record<string, RegistryDataPacket> } }).loginPacket?.dimensionCodec
  if (codec === undefined) throw new Error(`no registry data for ${version}`)
  const registryData = Object.values(codec)
  const indexIn = (registry: string, key: string): number => {
    const entries = codec[registry]?.entries ?? []
    const index = entries.findIndex((entry) => entry.key === key)
    if (index < 0) throw new Error(`${key} missing from ${registry} in ${version}`)
    return index
  }
  const player = data.entitiesByName.player
  if (player === undefined) throw new Error(`no player entity in ${version}`)
  return {
    version,
    protocolVersion: data.version.version as number,
    registryData,
    overworldDimension: indexIn('minecraft:dimension_type', 'minecraft:overworld'),
    chatType: indexIn('minecraft:chat_type', 'minecraft:chat'),
    playerEntityType: player.id,
    modern: data.version['>=']('1.21.5'),
    itemId: (name) => data.itemsByName[name]?.id,
    itemName: (id) => data.items[id]?.name,
    slot (item) {
      const id = item === null ? undefined : data.itemsByName[item.name]?.id
      if (item === null || id === undefined || item.count <= 0) return { itemCount: 0 }
      return { itemCount: item.count, itemId: id, addedComponentCount: 0, removedComponentCount: 0, components: [], removeComponents: [] }
    }
  }
}

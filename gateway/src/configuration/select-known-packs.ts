/**
 * Known packs answered: send every registry in full (valid whatever packs the client has),
 * the feature flags, then finish configuration.
 * https://minecraft.wiki/w/Java_Edition_protocol/Packets#Registry_Data
 */
import type { PacketHandler } from '../connection/client-connection.ts'
import { adapt } from '../protocol/serverbound.ts'

/** Sends registry data and feature flags, then Finish Configuration. */
export const selectKnownPacks: PacketHandler = (client, packet) => {
  adapt.select_known_packs(packet.params)
  for (const registry of client.ctx.registries.registryData) client.write('registry_data', registry)
  client.write('feature_flags', { features: ['minecraft:vanilla'] })
  client.write('finish_configuration', {})
}

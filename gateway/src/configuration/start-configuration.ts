/**
 * The configuration phase, server side: brand, known packs; registries follow the client's
 * answer (select-known-packs.ts).
 * https://minecraft.wiki/w/Java_Edition_protocol/FAQ#What's_the_normal_login_sequence_for_a_client?
 */
import type { ClientConnection } from '../connection/client-connection.ts'
import { encodeBrand } from '../packets/brand.ts'

/** Sends the server brand and the packs this server knows. */
export function startConfiguration (client: ClientConnection): void {
  client.write('custom_payload', { channel: 'minecraft:brand', data: encodeBrand('tessera') })
  client.write('select_known_packs', { packs: [{ namespace: 'minecraft', id: 'core', version: client.ctx.config.version }] })
}

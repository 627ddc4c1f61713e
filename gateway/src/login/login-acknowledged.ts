/**
 * Login Acknowledged: enter the configuration state and offer the known packs, as a vanilla
 * server does before sending registries.
 * https://minecraft.wiki/w/Java_Edition_protocol/Packets#Login_Acknowledged
 */
import type { PacketHandler } from '../connection/client-connection.ts'
import { requireIdentity } from './complete-login.ts'
import { startConfiguration } from '../configuration/start-configuration.ts'

/** Moves the connection to configuration. */
export const loginAcknowledged: PacketHandler = (client) => {
  requireIdentity(client)
  client.transition('configuration')
  startConfiguration(client)
}

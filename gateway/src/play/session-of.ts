/** The attached play session of a connection, or a typed error for a packet sent too early. */
import { TesseraError } from '#shared/errors.ts'
import type { ClientConnection } from '../connection/client-connection.ts'
import type { PlayerSession } from '../session/player-session.ts'

/** Returns the session once the player is in the world; undefined while attaching (packet dropped). */
export function sessionOf (client: ClientConnection): PlayerSession | undefined {
  const session = client.session
  if (session === undefined) throw new TesseraError('GW_UNEXPECTED_PACKET', 'no play session')
  return session.attached ? session : undefined
}

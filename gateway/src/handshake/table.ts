/** Dispatch table of the handshaking state. */
import type { HandlerTable } from '../connection/client-connection.ts'
import { setProtocol } from './set-protocol.ts'

/** Handshaking: only the handshake itself; the legacy 1.6 ping is not answered. */
export const handshakeTable: HandlerTable = {
  set_protocol: setProtocol,
  legacy_server_list_ping: null
}

/** System messages from the gateway itself (the limbo's instructions and answers). */
import type { ClientConnection } from '../connection/client-connection.ts'
import { textComponent } from '../packets/text.ts'

/** Sends one system message to this player, in chat or on the action bar. */
export function say (client: ClientConnection, text: string, color?: string, actionBar = false): void {
  if (client.closed) return
  client.write('system_chat', { content: textComponent(text, color), isActionBar: actionBar })
}

/** An operator command answered by the gateway through auth-service's admin API. */
import type { AccountResult } from '../auth/auth-client.ts'
import type { ClientConnection } from '../connection/client-connection.ts'

export interface AdminCommand {
  readonly usage: string
  /** The admin call, or a usage error (a string) when the arguments do not fit. */
  run (client: ClientConnection, token: string, args: readonly string[]): { request: Promise<AccountResult>, success: string } | string
}

/** Dispatch table of the status state. */
import type { HandlerTable } from '../connection/client-connection.ts'
import { ping } from './ping.ts'
import { pingStart } from './ping-start.ts'

/** Status: request and ping. */
export const statusTable: HandlerTable = {
  ping_start: pingStart,
  ping
}

/** Dispatch table of the login state. */
import type { HandlerTable } from '../connection/client-connection.ts'
import { encryptionBegin } from './encryption-begin.ts'
import { loginAcknowledged } from './login-acknowledged.ts'
import { loginStart } from './login-start.ts'

/** Login: start, encryption response, acknowledgement; plugin responses and cookies ignored. */
export const loginTable: HandlerTable = {
  login_start: loginStart,
  encryption_begin: encryptionBegin,
  login_acknowledged: loginAcknowledged,
  login_plugin_response: null,
  cookie_response: null
}

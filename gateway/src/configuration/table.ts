/** Dispatch table of the configuration state. */
import type { HandlerTable } from '../connection/client-connection.ts'
import { finishConfiguration } from './finish-configuration.ts'
import { selectKnownPacks } from './select-known-packs.ts'
import { settings } from './settings.ts'

/** Configuration: known packs, client information, finish; the rest deliberately ignored. */
export const configurationTable: HandlerTable = {
  select_known_packs: selectKnownPacks,
  settings,
  finish_configuration: finishConfiguration,
  custom_payload: null,
  keep_alive: null,
  pong: null,
  resource_pack_receive: null,
  cookie_response: null,
  accept_code_of_conduct: null,
  custom_click_action: null
}

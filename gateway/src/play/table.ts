/** Dispatch table of the play state. */
import type { HandlerTable } from '../connection/client-connection.ts'
import { settings } from '../configuration/settings.ts'
import { armAnimation } from './arm-animation.ts'
import { blockDig } from './block-dig.ts'
import { blockPlace } from './block-place.ts'
import { chatCommand } from './chat-command.ts'
import { chatMessage } from './chat-message.ts'
import { heldItemSlot } from './held-item-slot.ts'
import { keepAlive } from './keep-alive.ts'
import { pingRequest } from './ping-request.ts'
import { playerPosition } from './player-position.ts'
import { setCreativeSlot } from './set-creative-slot.ts'
import { teleportConfirm } from './teleport-confirm.ts'
import { windowClick } from './window-click.ts'

/** Play: the packets the gateway acts on; `null` marks those deliberately ignored. */
export const playTable: HandlerTable = {
  teleport_confirm: teleportConfirm,
  position: playerPosition,
  position_look: playerPosition,
  look: playerPosition,
  flying: playerPosition,
  keep_alive: keepAlive,
  ping_request: pingRequest,
  block_dig: blockDig,
  block_place: blockPlace,
  held_item_slot: heldItemSlot,
  set_creative_slot: setCreativeSlot,
  arm_animation: armAnimation,
  chat_message: chatMessage,
  chat_command: chatCommand,
  chat_command_signed: chatCommand,
  window_click: windowClick,
  settings,
  chunk_batch_received: null,
  player_loaded: null,
  tick_end: null,
  client_command: null,
  custom_payload: null,
  entity_action: null,
  player_input: null,
  abilities: null,
  pong: null,
  message_acknowledgement: null,
  chat_session_update: null,
  close_window: null,
  use_item: null,
  pick_item_from_block: null,
  pick_item_from_entity: null,
  cookie_response: null,
  client_tick_end: null
}

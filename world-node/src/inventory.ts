/**
 * The player window: adding drops, the held item, hotbar selection and creative slot edits.
 * Inventory changes are saved in the tick's durable batch before the client is told.
 */
import { HOTBAR_START, PLAYER_INVENTORY_SLOTS, WorldFact, type ItemStack, type SelectHotbarSlot, type SetCreativeSlot } from '#shared/world-messages.ts'
import { snapshotOf, type OnlinePlayer } from './players.ts'
import type { World } from './world.ts'

/** Offhand slot of the player window. */
export const OFFHAND_SLOT = 45
/** First and last slot of the main inventory (above the hotbar). */
const MAIN_START = 9
const MAIN_END = 35
const HOTBAR_END = HOTBAR_START + 8
/** Largest count a creative client may set. */
const MAX_CREATIVE_COUNT = 99

/** The window slot of the hand's item. */
export function heldSlot (player: OnlinePlayer, hand: 'main' | 'off'): number {
  return hand === 'off' ? OFFHAND_SLOT : HOTBAR_START + player.selectedSlot
}

function range (from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

/** Slots searched when adding an item, in order: hotbar first, then the main inventory. */
const PICKUP_ORDER = [...range(HOTBAR_START, HOTBAR_END), ...range(MAIN_START, MAIN_END)]

/**
 * Adds items: onto the first matching stack with room, then the first empty hotbar slot, then
 * the first empty main slot. Returns the slots that changed and the count that did not fit.
 */
export function addItem (inventory: Array<ItemStack | null>, name: string, count: number, stackSize: number): { slots: number[], leftover: number } {
  const slots: number[] = []
  let left = count
  for (const slot of PICKUP_ORDER) {
    if (left === 0) break
    const item = inventory[slot]
    if (item === null || item === undefined || item.name !== name || item.count >= stackSize) continue
    const moved = Math.min(left, stackSize - item.count)
    inventory[slot] = { name, count: item.count + moved }
    left -= moved
    slots.push(slot)
  }
  for (const slot of PICKUP_ORDER) {
    if (left === 0) break
    if (inventory[slot] !== null) continue
    const moved = Math.min(left, stackSize)
    inventory[slot] = { name, count: moved }
    left -= moved
    slots.push(slot)
  }
  return { slots, leftover: left }
}

/** Removes one item from a slot (placing in survival). */
export function takeOne (inventory: Array<ItemStack | null>, slot: number): void {
  const item = inventory[slot]
  if (item === null || item === undefined) return
  inventory[slot] = item.count > 1 ? { name: item.name, count: item.count - 1 } : null
}

/** Saves the player in this tick's batch, then tells their gateway which slots changed. */
export function commitInventory (world: World, player: OnlinePlayer, slots: readonly number[]): void {
  world.outbox.savePlayer(player.id, snapshotOf(player))
  const message = {
    type: WorldFact.InventoryUpdated,
    playerId: player.id,
    slots: [...new Set(slots)].map((slot) => ({ slot, item: player.inventory[slot] ?? null })),
    selectedSlot: player.selectedSlot
  }
  world.outbox.afterDurable(() => { world.links.send(player.connection, message) })
}

/** SelectHotbarSlot: 0–8; an invalid slot is answered with the real selection. */
export function selectHotbarSlot (world: World, player: OnlinePlayer, command: SelectHotbarSlot): void {
  if (!Number.isInteger(command.slot) || command.slot < 0 || command.slot > 8) {
    world.links.send(player.connection, { type: WorldFact.InventoryUpdated, playerId: player.id, slots: [], selectedSlot: player.selectedSlot })
    return
  }
  player.selectedSlot = command.slot
}

/** Why a creative slot edit is refused, or null. */
function creativeProblem (world: World, player: OnlinePlayer, command: SetCreativeSlot): string | null {
  if (player.gameMode !== 'creative') return 'not in creative mode'
  if (!Number.isInteger(command.slot) || command.slot < 0 || command.slot >= PLAYER_INVENTORY_SLOTS) return 'no such slot'
  const { item } = command
  if (item === null) return null
  if (world.game.stackSizeOf(item.name) === undefined) return 'no such item'
  if (!Number.isInteger(item.count) || item.count < 1 || item.count > MAX_CREATIVE_COUNT) return 'bad count'
  return null
}

/** SetCreativeSlot: creative players set any slot; a refusal reverts the client's slot. */
export function setCreativeSlot (world: World, player: OnlinePlayer, command: SetCreativeSlot): void {
  const problem = creativeProblem(world, player, command)
  if (problem !== null) {
    world.log.debug({ player: player.profile.name, slot: command.slot, problem }, 'creative slot refused')
    const slots = Number.isInteger(command.slot) && command.slot >= 0 && command.slot < PLAYER_INVENTORY_SLOTS
      ? [{ slot: command.slot, item: player.inventory[command.slot] ?? null }]
      : []
    world.links.send(player.connection, { type: WorldFact.InventoryUpdated, playerId: player.id, slots, selectedSlot: player.selectedSlot })
    return
  }
  player.inventory[command.slot] = command.item === null ? null : { name: command.item.name, count: command.item.count }
  commitInventory(world, player, [command.slot])
}

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { addItem } from './inventory.ts'
import { emptyInventory } from './players.ts'

void describe('adding items to the player window', () => {
  void it('fills the first matching stack with room before an empty slot', () => {
    const inventory = emptyInventory()
    inventory[37] = { name: 'dirt', count: 64 }
    inventory[12] = { name: 'dirt', count: 60 }
    const result = addItem(inventory, 'dirt', 6, 64)
    assert.deepEqual(result, { slots: [12, 36], leftover: 0 })
    assert.deepEqual(inventory[12], { name: 'dirt', count: 64 })
    assert.deepEqual(inventory[36], { name: 'dirt', count: 2 })
  })

  void it('uses the hotbar before the main inventory and reports what did not fit', () => {
    const inventory = emptyInventory()
    for (let slot = 36; slot <= 44; slot++) inventory[slot] = { name: 'stone', count: 1 }
    for (let slot = 9; slot <= 35; slot++) inventory[slot] = { name: 'stone', count: 1 }
    inventory[20] = null
    assert.deepEqual(addItem(inventory, 'dirt', 1, 64), { slots: [20], leftover: 0 })
    assert.deepEqual(addItem(inventory, 'dirt', 64, 64), { slots: [20], leftover: 1 })
  })
})

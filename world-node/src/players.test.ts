import assert from 'node:assert/strict'
import { test } from 'node:test'
import { chunkKey } from '#shared/coords.ts'
import type { PlayerId } from '#shared/ids.ts'
import type { GatewayConnection } from './gateway-links.ts'
import { OnlinePlayers, playerFromSnapshot, type OnlinePlayer } from './players.ts'

function player (name: string, x: number, z: number): OnlinePlayer {
  const profile = { id: `id-${name}` as PlayerId, name, properties: [], op: false }
  const snapshot = { x, y: 64, z, yaw: 0, pitch: 0, onGround: true, gameMode: 'survival' as const, inventory: [], selectedSlot: 0 }
  return playerFromSnapshot(profile, name.length, {} as GatewayConnection, snapshot)
}

const names = (players: Iterable<OnlinePlayer>): string[] => [...players].map((p) => p.profile.name).sort()

test('players are found by the chunk viewers see them in, as they move, leave and come back', () => {
  const players = new OnlinePlayers()
  const ann = player('Ann', 1, 1)
  const bob = player('Bob', 5, 9)
  const cid = player('Cid', 20, 1)
  for (const p of [ann, bob, cid]) players.add(p)
  assert.deepEqual(names(players.shownIn(chunkKey(0, 0))), ['Ann', 'Bob'])
  assert.deepEqual(names(players.shownIn(chunkKey(1, 0))), ['Cid'])

  players.show(ann, { ...ann.shown, x: 17, chunk: chunkKey(1, 0) })
  assert.equal(ann.shown.x, 17)
  assert.deepEqual(names(players.shownIn(chunkKey(0, 0))), ['Bob'])
  assert.deepEqual(names(players.shownIn(chunkKey(1, 0))), ['Ann', 'Cid'])

  players.remove(cid.id)
  assert.deepEqual(names(players.shownIn(chunkKey(1, 0))), ['Ann'])
  // A player object replaced under the same id (a handoff back) leaves no stale entry.
  const ann2 = player('Ann', -3, -3)
  players.add(ann2)
  assert.deepEqual(names(players.shownIn(chunkKey(1, 0))), [])
  assert.deepEqual(names(players.shownIn(chunkKey(-1, -1))), ['Ann'])
  assert.deepEqual(names(players.shownIn(chunkKey(9, 9))), [])
})

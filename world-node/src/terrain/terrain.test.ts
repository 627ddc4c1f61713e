import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { describe, test } from 'node:test'
import type { ChunkColumnData } from '#shared/world-messages.ts'
import { computeHeightmap, createTerrain, MIN_Y, SEA_LEVEL, serializeColumn, WORLD_HEIGHT, type PCChunk, type Terrain } from './index.ts'

const VERSIONS = ['1.21.4', '26.1']

function digest (column: ChunkColumnData): string {
  const hash = createHash('sha256')
  hash.update(column.sections)
  hash.update(JSON.stringify(column.heightmap))
  hash.update(JSON.stringify([column.light.skyLightMask, column.light.blockLightMask, column.light.emptySkyLightMask, column.light.emptyBlockLightMask]))
  for (const section of [...column.light.skyLight, ...column.light.blockLight]) hash.update(Uint8Array.from(section))
  return hash.digest('hex')
}

function stateId (terrain: Terrain, name: string): number {
  return terrain.registry.blocksByName[name].minStateId
}

function nameAt (terrain: Terrain, chunk: PCChunk, x: number, y: number, z: number): string {
  return terrain.registry.blocksByStateId[chunk.getBlockStateId({ x, y, z })].name
}

/** Highest non-air y in a column of the chunk, or MIN_Y - 1. */
function highestBlock (chunk: PCChunk, x: number, z: number): number {
  for (let y = MIN_Y + WORLD_HEIGHT - 1; y >= MIN_Y; y--) {
    if (chunk.getBlockStateId({ x, y, z }) !== 0) return y
  }
  return MIN_Y - 1
}

/** Sky light of block (x, y, z) read from serialized arrays the way a vanilla client does. */
function wireSkyLight (column: ChunkColumnData, x: number, y: number, z: number): number {
  const lightSection = ((y - MIN_Y) >> 4) + 1
  const [high, low] = column.light.skyLightMask[0]!
  const bit = (i: number): number => i >= 32 ? (high >>> (i - 32)) & 1 : (low >>> i) & 1
  if (bit(lightSection) === 0) return 0
  let arrayIndex = 0
  for (let i = 0; i < lightSection; i++) arrayIndex += bit(i)
  const bytes = column.light.skyLight[arrayIndex]!
  const index = (((y - MIN_Y) & 15) << 8) | (z << 4) | x
  return ((bytes[index >> 1] ?? 0) >> ((index & 1) * 4)) & 15
}

for (const version of VERSIONS) {
  void describe(`terrain ${version}`, () => {
    const terrain = createTerrain({ seed: 'tessera-test', version })
    const area: Array<[number, number]> = []
    for (let cx = -6; cx < 6; cx++) for (let cz = -6; cz < 6; cz++) area.push([cx, cz])

    void test('the same seed gives byte-identical columns on separate generators', () => {
      const other = createTerrain({ seed: 'tessera-test', version })
      for (const [cx, cz] of [[0, 0], [-3, 7], [100, -250]] as const) {
        assert.equal(digest(serializeColumn(terrain.generate(cx, cz), cx, cz, 1)), digest(serializeColumn(other.generate(cx, cz), cx, cz, 1)))
      }
    })

    void test('a different seed gives different columns', () => {
      const other = createTerrain({ seed: 'another-seed', version })
      const differing = area.slice(0, 10).filter(([cx, cz]) =>
        digest(serializeColumn(terrain.generate(cx, cz), cx, cz, 1)) !== digest(serializeColumn(other.generate(cx, cz), cx, cz, 1)))
      assert.ok(differing.length >= 9, `only ${differing.length} of 10 columns differ`)
    })

    void test('bedrock lies at minY under every column', () => {
      const chunk = terrain.generate(2, -1)
      for (let x = 0; x < 16; x++) for (let z = 0; z < 16; z++) assert.equal(nameAt(terrain, chunk, x, MIN_Y, z), 'bedrock')
    })

    void test('low spots are sea: water up to sea level over a sand floor', () => {
      let found = 0
      for (const [cx, cz] of area) {
        for (let lx = 0; lx < 16 && found < 20; lx += 5) {
          const x = cx * 16 + lx
          const z = cz * 16 + lx
          const floor = terrain.surfaceY(x, z)
          if (floor >= SEA_LEVEL) continue
          assert.equal(terrain.isLand(x, z), false)
          const chunk = terrain.generate(cx, cz)
          assert.equal(nameAt(terrain, chunk, lx, SEA_LEVEL, lx), 'water')
          assert.equal(nameAt(terrain, chunk, lx, SEA_LEVEL + 1, lx), 'air')
          assert.equal(nameAt(terrain, chunk, lx, floor, lx), 'sand')
          found++
        }
      }
      assert.ok(found > 0, 'no sea in the test area')
    })

    void test('land above the beaches is grass over dirt over stone', () => {
      let found = 0
      for (const [cx, cz] of area.slice(0, 40)) {
        const chunk = terrain.generate(cx, cz)
        for (let x = 0; x < 16; x += 3) {
          for (let z = 0; z < 16; z += 3) {
            const top = highestBlock(chunk, x, z)
            if (top <= SEA_LEVEL + 3 || nameAt(terrain, chunk, x, top, z) !== 'grass_block') continue
            assert.equal(nameAt(terrain, chunk, x, top - 1, z), 'dirt')
            assert.equal(nameAt(terrain, chunk, x, top - 3, z), 'dirt')
            assert.equal(nameAt(terrain, chunk, x, top - 5, z), 'stone')
            assert.equal(terrain.surfaceY(cx * 16 + x, cz * 16 + z), top)
            assert.ok(terrain.isLand(cx * 16 + x, cz * 16 + z))
            found++
          }
        }
      }
      assert.ok(found > 50, `only ${found} grass columns`)
    })

    void test('oak trees grow on grass, inside their chunk, with a canopy', () => {
      let trees = 0
      for (const [cx, cz] of area) {
        const chunk = terrain.generate(cx, cz)
        for (let x = 0; x < 16; x++) {
          for (let z = 0; z < 16; z++) {
            const top = highestBlock(chunk, x, z)
            let y = top
            while (['oak_leaves', 'air'].includes(nameAt(terrain, chunk, x, y, z))) y--
            if (nameAt(terrain, chunk, x, y, z) !== 'oak_log') continue
            // Found the top log of a trunk: walk down to its base.
            let base = y
            while (nameAt(terrain, chunk, x, base - 1, z) === 'oak_log') base--
            trees++
            assert.ok(x >= 2 && x <= 13 && z >= 2 && z <= 13, 'trunk too close to the chunk edge for its canopy')
            assert.equal(nameAt(terrain, chunk, x, base - 1, z), 'dirt')
            assert.ok(y - base + 1 >= 4 && y - base + 1 <= 6)
            assert.equal(nameAt(terrain, chunk, x, y + 1, z), 'oak_leaves')
            assert.equal(nameAt(terrain, chunk, x + 2, y - 1, z), 'oak_leaves')
            assert.equal(terrain.surfaceY(cx * 16 + x, cz * 16 + z), y + 1)
          }
        }
      }
      assert.ok(trees >= 20, `only ${trees} trees in ${area.length} chunks`)
    })

    void test('biome is plains everywhere', () => {
      const chunk = terrain.generate(1, 1)
      const plains = terrain.registry.biomesByName.plains.id
      for (const y of [MIN_Y, 0, 64, 200, 319]) assert.equal(chunk.getBiome({ x: 5, y, z: 9 }), plains)
    })

    void test('sky light is 15 above the highest block, fades in water and leaves, 0 under ground', () => {
      for (const [cx, cz] of area.slice(0, 30)) {
        const chunk = terrain.generate(cx, cz)
        const column = serializeColumn(chunk, cx, cz, 0)
        for (let x = 0; x < 16; x += 3) {
          for (let z = 0; z < 16; z += 4) {
            const top = highestBlock(chunk, x, z)
            for (const y of [top + 1, top + 40, MIN_Y + WORLD_HEIGHT - 1]) assert.equal(chunk.getSkyLight({ x, y, z }), 15)
            const topName = nameAt(terrain, chunk, x, top, z)
            if (topName === 'water' || topName === 'oak_leaves') assert.equal(chunk.getSkyLight({ x, y: top, z }), 14)
            else assert.equal(chunk.getSkyLight({ x, y: top, z }), 0)
            assert.equal(chunk.getSkyLight({ x, y: MIN_Y + 3, z }), 0)
            assert.equal(chunk.getBlockLight({ x, y: top + 1, z }), 0)
            for (let y = top - 20; y <= top + 2; y++) assert.equal(wireSkyLight(column, x, y, z), chunk.getSkyLight({ x, y, z }), `wire light at ${x} ${y} ${z}`)
          }
        }
      }
    })

    void test('light masks cover sections -1 to 24 and agree with prismarine', () => {
      const chunk = terrain.generate(0, 0)
      const column = serializeColumn(chunk, 0, 0, 0)
      const [, skyLow] = column.light.skyLightMask[0]!
      const [, emptyLow] = column.light.emptySkyLightMask[0]!
      assert.equal((skyLow | emptyLow) >>> 0, (1 << 26) - 1, 'every light section is either lit or empty')
      assert.equal(skyLow & emptyLow, 0)
      assert.equal(column.light.emptyBlockLightMask[0]![1], (1 << 26) - 1)
      assert.equal(column.light.skyLight.length, popCount(skyLow))
      assert.ok(column.light.skyLight.every((bytes) => bytes.length === 2048))
      const prismarine = chunk.dumpLight()
      assert.deepEqual(prismarine.skyLightMask, column.light.skyLightMask)
      assert.deepEqual(prismarine.emptySkyLightMask, column.light.emptySkyLightMask)
    })

    void test('dumped sections load back into a fresh column with the same blocks', () => {
      for (const [cx, cz] of [[0, 0], [5, -3], [-6, 2]] as const) {
        const chunk = terrain.generate(cx, cz)
        const column = serializeColumn(chunk, cx, cz, 7)
        const fresh = terrain.createColumn()
        fresh.load(column.sections)
        for (let y = MIN_Y; y < MIN_Y + 120; y++) {
          for (let i = 0; i < 256; i += 7) {
            const pos = { x: i & 15, y, z: i >> 4 }
            assert.equal(fresh.getBlockStateId(pos), chunk.getBlockStateId(pos))
          }
        }
        assert.deepEqual(Buffer.from(fresh.dump()), Buffer.from(column.sections))
        const restored = terrain.restore(column)
        assert.equal(digest(serializeColumn(restored, cx, cz, 7)), digest(column))
      }
    })

    void test('lighting a dark section through prismarine clears its empty bit in the packet', () => {
      const chunk = terrain.generate(0, 0)
      chunk.setSkyLight({ x: 1, y: MIN_Y + 1, z: 1 }, 9)
      chunk.setBlockLight({ x: 1, y: 40, z: 1 }, 12)
      const light = serializeColumn(chunk, 0, 0, 1).light
      const section = 1 // first section inside the world
      assert.equal((light.skyLightMask[0]![1] >>> section) & 1, 1)
      assert.equal((light.emptySkyLightMask[0]![1] >>> section) & 1, 0)
      const blockSection = ((40 - MIN_Y) >> 4) + 1
      assert.equal((light.blockLightMask[0]![1] >>> blockSection) & 1, 1)
      assert.equal((light.emptyBlockLightMask[0]![1] >>> blockSection) & 1, 0)
      assert.equal(light.blockLight.length, 1)
      const index = (((40 - MIN_Y) & 15) << 8) | (1 << 4) | 1
      assert.equal((light.blockLight[0]![index >> 1]! >> 4) & 15, 12, 'odd x sits in the high nibble on the wire')
    })

    void test('generated columns stay editable through prismarine', () => {
      const chunk = terrain.generate(3, 3)
      const names = ['diamond_block', 'gold_block', 'glass', 'oak_planks', 'torch', 'cobblestone', 'gravel', 'andesite', 'granite', 'diorite',
        'iron_block', 'coal_ore', 'iron_ore', 'gold_ore', 'bricks', 'bookshelf', 'obsidian', 'glowstone', 'netherrack', 'clay']
      names.forEach((name, i) => chunk.setBlockStateId({ x: i % 16, y: 60, z: i >> 4 }, stateId(terrain, name)))
      chunk.setBlockStateId({ x: 4, y: -10, z: 4 }, 0)
      const fresh = terrain.createColumn()
      fresh.load(chunk.dump())
      names.forEach((name, i) => assert.equal(nameAt(terrain, fresh, i % 16, 60, i >> 4), name))
      assert.equal(fresh.getBlockStateId({ x: 4, y: -10, z: 4 }), 0)
      assert.equal(nameAt(terrain, fresh, 5, -10, 4), 'stone')
    })

    void test('heightmap is the highest motion-blocking block + 1 above minY', () => {
      const chunk = terrain.generate(-2, 4)
      const heightmap = serializeColumn(chunk, -2, 4, 0).heightmap
      assert.equal(heightmap.length, 256)
      for (let z = 0; z < 16; z++) for (let x = 0; x < 16; x++) assert.equal(heightmap[x + 16 * z], highestBlock(chunk, x, z) + 1 - MIN_Y)
      assert.deepEqual(computeHeightmap(terrain.createColumn()), new Array(256).fill(0))
      const flowers = terrain.createColumn()
      flowers.setBlockStateId({ x: 0, y: 10, z: 0 }, stateId(terrain, 'stone'))
      flowers.setBlockStateId({ x: 0, y: 11, z: 0 }, stateId(terrain, 'poppy'))
      assert.equal(computeHeightmap(flowers)[0], 11 - MIN_Y, 'a flower does not block motion')
    })
  })
}

void test('columns are identical in another process', () => {
  const script = [
    "import { createTerrain, serializeColumn } from './world-node/src/terrain/index.ts'",
    "const t = createTerrain({ seed: 'tessera-test', version: '1.21.4' })",
    'const c = serializeColumn(t.generate(-3, 7), -3, 7, 1)',
    "process.stdout.write(Buffer.from(c.sections).toString('base64') + JSON.stringify(c.heightmap) + JSON.stringify(c.light.skyLight.map((s) => Buffer.from(s).toString('base64'))))"
  ].join('\n')
  const root = new URL('../../../', import.meta.url)
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })
  const c = serializeColumn(createTerrain({ seed: 'tessera-test', version: '1.21.4' }).generate(-3, 7), -3, 7, 1)
  assert.equal(output, Buffer.from(c.sections).toString('base64') + JSON.stringify(c.heightmap) + JSON.stringify(c.light.skyLight.map((s) => Buffer.from(s).toString('base64'))))
})

void test('the terrain of a seed never changes (stored worlds keep only diffs against it)', () => {
  // If this fails after a generator change, every existing world's unmodified chunks change:
  // only update the digest deliberately, together with a world format migration.
  // Block states only: a prismarine-chunk upgrade may change the encoding, not the terrain.
  const terrain = createTerrain({ seed: 'golden', version: '1.21.4' })
  const states = new Uint16Array(WORLD_HEIGHT * 256)
  const hash = createHash('sha256')
  for (const [cx, cz] of [[0, 0], [1, -1], [-40, 17], [7, 3]] as const) {
    const chunk = terrain.generate(cx, cz)
    for (let y = MIN_Y; y < MIN_Y + WORLD_HEIGHT; y++) {
      for (let i = 0; i < 256; i++) states[(y - MIN_Y) * 256 + i] = chunk.getBlockStateId({ x: i & 15, y, z: i >> 4 })
    }
    hash.update(states)
  }
  assert.equal(hash.digest('hex'), GOLDEN_DIGEST)
})
const GOLDEN_DIGEST = '8dcd3a5c96c34956976326aeb4d070f696a92a6c1af57eeacf96fdb8a4beeeb2'

function popCount (value: number): number {
  let count = 0
  for (let v = value >>> 0; v !== 0; v &= v - 1) count++
  return count
}

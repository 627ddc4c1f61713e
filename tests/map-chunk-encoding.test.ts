import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createWorldTerrain } from '../world-node/src/terrain-port.ts'
import { codecFor } from '../gateway/src/protocol/packet-codec.ts'
import { loadGameRegistries } from '../gateway/src/packets/game-registries.ts'
import { encodeMapChunk } from '../gateway/src/packets/map-chunk.ts'
import { mapChunkPacket, type WorldShape } from '../gateway/src/packets/play-packets.ts'

const shape: WorldShape = { minY: -64, worldHeight: 384, viewDistance: 10, seaLevel: 62 }

void describe('map_chunk encoding', () => {
  for (const version of ['1.21.4', '26.1']) {
    void it(`${version}: the same bytes as protodef, light sections included`, () => {
      const terrain = createWorldTerrain('map-chunk-test', version)
      const registries = loadGameRegistries(version)
      for (const [cx, cz] of [[0, 0], [5, -3]] as const) {
        const column = terrain.serialize(terrain.generate(cx, cz), cx, cz, 7)
        assert.ok(column.light.skyLight.length > 0, 'the column carries sky light')
        const expected = codecFor(version, 'play').encode('map_chunk', mapChunkPacket(registries, column, shape))
        assert.deepEqual(encodeMapChunk(version, registries, column, shape), expected)
      }
    })
  }
})

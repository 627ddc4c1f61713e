/**
 * Deterministic terrain and chunk serialization for world-nodes: generate an unmodified column
 * from the world seed, and turn any column into the ChunkColumnData sent to gateways.
 */
export { createTerrain, MIN_Y, SEA_LEVEL, WORLD_HEIGHT, type Terrain, type TerrainOptions } from './terrain.ts'
export { computeHeightmap, dumpColumnLight, serializeColumn } from './serialize.ts'
export type { ColumnPos, PCChunk } from './prismarine.ts'

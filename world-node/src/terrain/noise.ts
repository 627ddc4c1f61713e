/**
 * Seeded hashing and 2D gradient (Perlin) noise. Only integer mixing (Math.imul, shifts) and
 * IEEE-754 +, −, ×, floor are used — no Math.random, no transcendental functions whose last
 * bits may differ between engines — so every node computes bit-identical terrain from a seed.
 */

/** A 32-bit unsigned hash of a seed string (FNV-1a over its UTF-8 bytes, then avalanched). */
export function hashSeed (seed: string): number {
  let h = 0x811c9dc5
  for (const byte of new TextEncoder().encode(seed)) {
    h = Math.imul(h ^ byte, 0x01000193)
  }
  return mix32(h)
}

/** Final avalanche of murmur3: spreads every input bit over every output bit. */
export function mix32 (value: number): number {
  let h = value | 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/** A 32-bit unsigned hash of a seed and two integer coordinates. */
export function hash2 (seed: number, x: number, z: number): number {
  return mix32(seed ^ Math.imul(x | 0, 0x27d4eb2d) ^ mix32(Math.imul(z | 0, 0x165667b1) ^ 0x9e3779b9))
}

/** A 32-bit unsigned hash of a seed and three integer coordinates. */
export function hash3 (seed: number, x: number, y: number, z: number): number {
  return hash2(mix32(seed ^ Math.imul(y | 0, 0x7feb352d)), x, z)
}

/** Dot product of the lattice gradient picked by `hash` with the offset (dx, dz). */
function gradient (hash: number, dx: number, dz: number): number {
  // Eight directions (axes and diagonals) are enough for smooth hills and avoid sqrt.
  switch (hash & 7) {
    case 0: return dx + dz
    case 1: return dx - dz
    case 2: return -dx + dz
    case 3: return -dx - dz
    case 4: return dx
    case 5: return -dx
    case 6: return dz
    default: return -dz
  }
}

/** Perlin's quintic fade: zero first and second derivative at lattice points, so no creases. */
function fade (t: number): number {
  return t * t * t * (t * (t * 6 - 15) + 10)
}

/** 2D gradient noise in roughly [-1, 1], continuous, 0 at integer lattice points. */
export function perlin2 (seed: number, x: number, z: number): number {
  const x0 = Math.floor(x)
  const z0 = Math.floor(z)
  const fx = x - x0
  const fz = z - z0
  const n00 = gradient(hash2(seed, x0, z0), fx, fz)
  const n10 = gradient(hash2(seed, x0 + 1, z0), fx - 1, fz)
  const n01 = gradient(hash2(seed, x0, z0 + 1), fx, fz - 1)
  const n11 = gradient(hash2(seed, x0 + 1, z0 + 1), fx - 1, fz - 1)
  const u = fade(fx)
  const v = fade(fz)
  const a = n00 + u * (n10 - n00)
  const b = n01 + u * (n11 - n01)
  return a + v * (b - a)
}

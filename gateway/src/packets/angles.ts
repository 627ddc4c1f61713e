/** Angles as the protocol's one-byte "angle" type: 256 steps per turn, signed. */

/** Degrees to a signed protocol angle byte. */
export function angleByte (degrees: number): number {
  const steps = Math.round((degrees % 360) * 256 / 360)
  return ((steps + 128) & 0xff) - 128
}

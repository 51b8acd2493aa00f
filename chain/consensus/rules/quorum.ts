/** Quorum arithmetic in integers: n > 3f, so "2f+1" is more than 2/3 of the power and "f+1" more than 1/3. */

/** More than two thirds of `total` (exactly 2/3 is not enough). */
export function isTwoThirdsMajority(power: bigint, total: bigint): boolean {
  return power * 3n > total * 2n;
}

/** More than one third of `total`: at least one correct validator is among them. */
export function isOneThirdPlus(power: bigint, total: bigint): boolean {
  return power * 3n > total;
}

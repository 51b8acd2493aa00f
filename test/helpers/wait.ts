export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every `stepMs` until it holds or `ms` have passed; resolves with its last value. */
export async function until(cond: () => boolean, ms = 5000, stepMs = 20): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(stepMs);
  return cond();
}

// Helpers shared by the abuse benchmarks in this folder: reading a process's memory from
// /proc, bounded-concurrency loops, and the server's command-line extras from the environment.

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export { procStatus as procStatusKb } from '../../tests/integration/lib/process.mjs';

export const kbToMb = (kb) => (kb / 1024).toFixed(1);

/** Runs worker(i) for i in [0, count) with at most `inFlight` running at once. */
export async function forEachLimited(count, inFlight, worker) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(inFlight, count) }, async () => {
    while (next < count) {
      const i = next++;
      await worker(i);
    }
  });
  await Promise.all(lanes);
}

/**
 * startServer options from the environment: COFFER_PLAIN=1 serves plain HTTP instead of the
 * default HTTPS; COFFER_EXTRA_ARGS adds space-separated `coffer serve` flags.
 */
export function serverOptions(args = []) {
  const extra = (process.env.COFFER_EXTRA_ARGS || '').split(/\s+/).filter(Boolean);
  return { plain: process.env.COFFER_PLAIN === '1', args: [...args, ...extra] };
}

// How a function's running time grows with its input, for tests that a pass over untrusted text is linear.
// A fixed time limit says little on a shared 2-core machine; a ratio between two sizes of the same input
// does: quadrupling the input about quadruples a linear pass and multiplies a backtracking regular
// expression's time by about 16. Sizes can stay small (a few thousand characters), so a quadratic version
// fails in a second instead of hanging the run.

/** CPU time of this process in ms where Node tells it (time spent waiting for a busy core is not counted). */
const cpuNow: () => number =
  typeof process !== 'undefined' && typeof process.cpuUsage === 'function'
    ? () => {
        const { user, system } = process.cpuUsage();
        return (user + system) / 1000;
      }
    : () => performance.now();

function timed(run: () => unknown, reps: number): number {
  const start = cpuNow();
  for (let r = 0; r < reps; r++) run();
  return cpuNow() - start;
}

/** Time at 4n over time at n, for work made by `at(size)`. */
export function growthFourfold(at: (size: number) => () => unknown, n: number): number {
  const small = at(n);
  const large = at(4 * n);
  // Warm up both, so compilation is not timed.
  small();
  large();
  // Enough calls that the small input takes several ms: one fast call is below the clock's noise.
  let reps = 1;
  while (timed(small, reps) < 8 && reps < 1 << 20) reps *= 2;
  // Interleaved, and the fastest of each, so a pause or a busy spell falls on both sizes or on neither.
  let bestSmall = Infinity;
  let bestLarge = Infinity;
  for (let i = 0; i < 7; i++) {
    bestSmall = Math.min(bestSmall, timed(small, reps));
    bestLarge = Math.min(bestLarge, timed(large, reps));
  }
  return bestLarge / bestSmall;
}

/**
 * The bound a linear pass stays under when its input grows fourfold (about 4, with room for noise and cache
 * effects), where a quadratic one lands near 16.
 */
export const LINEAR_FOURFOLD = 8;

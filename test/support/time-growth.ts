// How a function's running time grows with its input, for tests that a pass over untrusted text is linear.
// A fixed time limit says little on a shared 2-core machine; a ratio between two sizes of the same input
// does: an input eight times as long takes a linear pass about eight times as long, and a backtracking
// regular expression about 64 times. (Fourfold, 4 against 16, was too close: on a loaded machine a linear
// pass once measured 8.7.) Sizes can stay small (a few thousand characters), so a quadratic version
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

/** Time at 8n over time at n, for work made by `at(size)`. */
export function growthEightfold(at: (size: number) => () => unknown, n: number): number {
  const small = at(n);
  const large = at(8 * n);
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
 * The bound a linear pass stays under when its input grows eightfold (about 8, with room for noise and cache
 * effects), where a quadratic one lands near 64: their geometric mean.
 */
export const LINEAR_EIGHTFOLD = 22;

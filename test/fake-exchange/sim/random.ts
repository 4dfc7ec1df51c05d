// A seeded random source for the simulated market: mulberry32, small and fast, so one seed always gives the
// same price path, trades and book (event times still follow the wall clock).

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  /** Standard normal (Box-Muller). */
  gauss(): number;
  /** exp(N(0, sigma)) scaled so its median is `median`. */
  logNormal(median: number, sigma: number): number;
}

/** A 32-bit hash of a text (FNV-1a), to derive one independent seed per symbol. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const gauss = (): number => {
    const u = 1 - next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    gauss,
    logNormal: (median, sigma) => median * Math.exp(sigma * gauss()),
  };
}

/** How long to wait before reconnect attempt `attempt` (0 for the first retry). */
export interface BackoffOptions {
  /** The ceiling of the first wait, in ms. Default 500. */
  initialDelayMs: number;
  /** The ceiling of every wait, in ms. Default 30,000. */
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 500, maxDelayMs: 30_000 };

/**
 * Full jitter: a uniformly random wait between 0 and min(max, initial * 2^attempt). Spreading the
 * whole range keeps thousands of browsers that lost one server from coming back in step.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

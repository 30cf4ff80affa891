interface State {
  in_flight: number;
  cooldown_until: number;
}

/**
 * What this gateway replica knows of each deployment: requests in flight (least-busy) and
 * whether it is cooling down after a failure. In memory and per replica: each replica finds
 * a failing deployment on its own (one failed request each), which costs less than sharing it.
 * Time comes in as an argument.
 */
export class DeploymentHealth {
  private readonly states = new Map<string, State>();

  private state(key: string): State {
    let s = this.states.get(key);
    if (!s) this.states.set(key, (s = { in_flight: 0, cooldown_until: 0 }));
    return s;
  }

  inFlight(key: string): number {
    return this.states.get(key)?.in_flight ?? 0;
  }

  /** Until when (ms) the deployment is left out; 0 or past: available. */
  coolingUntil(key: string): number {
    return this.states.get(key)?.cooldown_until ?? 0;
  }

  begin(key: string): void {
    this.state(key).in_flight++;
  }

  end(key: string): void {
    const s = this.state(key);
    s.in_flight = Math.max(0, s.in_flight - 1);
  }

  /** A 429, 5xx or timeout: left out for `cooldownMs` from `nowMs`. */
  failed(key: string, nowMs: number, cooldownMs: number): void {
    this.state(key).cooldown_until = nowMs + cooldownMs;
  }

  /** An answer: available again at once. */
  succeeded(key: string): void {
    this.state(key).cooldown_until = 0;
  }
}

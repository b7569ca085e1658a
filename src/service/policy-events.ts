/**
 * In-process notice that the set of devices a policy reaches, or the policy itself, changed.
 * The policy routes emit it after their transaction commits; the delivery channels (Apple MDM,
 * Windows MDM, the agent) register a listener in `main.ts` to enqueue what follows, without the
 * routes knowing them.
 *
 * ```ts
 * policyEvents.onPolicyChange(async ({ policyId, deviceIds, change }) => {
 *   // e.g. re-plan each device and enqueue InstallProfile / RemoveProfile
 * });
 * ```
 */
export interface PolicyChange {
  policyId: string;
  /** The devices whose plan may have changed (for `updated`: every device the policy reaches). */
  deviceIds: string[];
  /**
   * `assigned`: the policy now reaches these devices; `unassigned`: it no longer does (also
   * after the policy is deleted); `updated`: its settings or name changed (new version).
   */
  change: 'assigned' | 'unassigned' | 'updated';
}

export type PolicyChangeListener = (event: PolicyChange) => void | Promise<void>;

/** A small typed registry of listeners; one per server (AppContext.policyEvents). */
export class PolicyEvents {
  readonly #listeners = new Set<PolicyChangeListener>();

  /** Registers a listener; returns the function that removes it again. */
  onPolicyChange(listener: PolicyChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Calls every listener in registration order and waits for them. A listener that throws does
   * not stop the others: its errors are returned, for the caller to log (the change itself is
   * already committed, so the HTTP answer does not fail because of them).
   */
  async emit(event: PolicyChange): Promise<unknown[]> {
    const errors: unknown[] = [];
    for (const listener of this.#listeners) {
      try {
        await listener(event);
      } catch (error) {
        errors.push(error);
      }
    }
    return errors;
  }
}

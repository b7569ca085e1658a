import type {
  ExtensionState,
  PolicyKind,
  StorageRestrictionSettings,
  StoredPolicy,
} from '../../service/policy-model.js';

export interface NewPolicy {
  kind: PolicyKind;
  name: string;
  settings: StorageRestrictionSettings;
}

/**
 * Policies and the device facts only the policy engine needs. Assignments of policies live in
 * the shared AssignmentStore with `targetKind: 'policy'`.
 */
export interface PolicyStore {
  /** Creates the policy at version 1; a second policy with the same name is a unique violation. */
  createPolicy(input: NewPolicy): Promise<StoredPolicy>;
  getPolicy(id: string): Promise<StoredPolicy | undefined>;
  /** Every policy, by name. */
  listPolicies(): Promise<StoredPolicy[]>;
  /** Changes name and/or settings and adds one to the version; undefined when there is none. */
  updatePolicy(
    id: string,
    patch: { name?: string; settings?: StorageRestrictionSettings },
  ): Promise<StoredPolicy | undefined>;
  /** Deletes the policy and every assignment of it; false when there was no such policy. */
  deletePolicy(id: string): Promise<boolean>;
  /** The policies assigned to a device directly or through its groups, each once, by name. */
  policiesForDevice(deviceId: string): Promise<StoredPolicy[]>;
  /**
   * A number that grows with every write to policies, assignments or group memberships, on any
   * server: equal numbers mean no device's assigned policies changed in between.
   */
  policyAssignmentsGeneration(): Promise<number>;
  /** Records the state of the agent's system extension as seen at `at` (default now). */
  recordExtensionState(deviceId: string, state: ExtensionState, at?: number): Promise<void>;
  /**
   * The newer of the state recorded here and the one of the agent's last check-in
   * (AgentChannelStore.putAgentState); `absent` when neither exists.
   */
  getExtensionState(deviceId: string): Promise<ExtensionState>;
}

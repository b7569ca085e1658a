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
  /** What the agent last said of its system extension (the agent channel calls this). */
  recordExtensionState(deviceId: string, state: ExtensionState, at?: number): Promise<void>;
  /** `absent` for a device whose agent never reported. */
  getExtensionState(deviceId: string): Promise<ExtensionState>;
}

// Types of scripts/offline-env.js for the TypeScript helpers that require it.

/** Every offline setting; the two that name folders are the ones callers read back. */
export interface OfflineEnv extends Readonly<Record<string, string>> {
  /** `file://<scratch>/state` */
  readonly PULUMI_BACKEND_URL: string;
  /** `<scratch>/home` */
  readonly PULUMI_HOME: string;
}

/** Every offline setting, with the backend and the Pulumi home inside `scratch` (an absolute folder the caller owns and removes). */
export declare function offlineEnv(scratch: string): OfflineEnv;

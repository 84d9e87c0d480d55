/** The virtualenv's python with Huawei's SDK installed (made on first use). */
export declare const huaweiSdkPython: () => string;
export declare const REQUIREMENTS: readonly string[];

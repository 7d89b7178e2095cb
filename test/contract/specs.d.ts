export declare const OPENAPI_ROOT: string;
export declare const PARTNER_SPEC_DIR: string;
export declare const NOTIFICATION_SPEC_DIR: string;

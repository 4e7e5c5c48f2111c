/**
 * IPC channel names as the preload sees them. They are duplicated from electron/main/ipc.ts on purpose
 * (the preload may import neither main nor the core); a unit test checks that the two agree.
 */
export const CALL_CHANNEL_PREFIX = 'hashwatch:call:';
export const EVENT_CHANNEL = 'hashwatch:event';

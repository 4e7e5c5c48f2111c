/**
 * A fake of the slice of Electron the shell uses, recording what the shell asked for.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class FakeWebContents extends EventEmitter {
  sent: unknown[][] = [];
  windowOpenHandler: ((d: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
    this.windowOpenHandler = h;
  }
  send(...args: unknown[]) {
    this.sent.push(args);
  }
  isDestroyed() {
    return false;
  }
}

export function createFakeElectron() {
  const appEvents = new EventEmitter();
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  const windows: FakeBrowserWindow[] = [];
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'hw-fake-userdata-'));
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const record = {
    privilegedSchemes: [] as unknown[],
    protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
    permissionRequest: null as null | ((wc: unknown, perm: string, cb: (ok: boolean) => void) => void),
    permissionCheck: null as null | ((...a: unknown[]) => boolean),
    menu: null as unknown,
    quitCalled: false,
    switches: [] as Array<[string, string]>,
    notifications: [] as Array<{ title: string; body: string }>,
  };

  class FakeBrowserWindow extends EventEmitter {
    webContents = new FakeWebContents();
    loadedUrl: string | null = null;
    constructor(public options: { webPreferences: Record<string, unknown> } & Record<string, unknown>) {
      super();
      windows.push(this);
      appEvents.emit('web-contents-created', {}, this.webContents);
    }
    loadURL(url: string) {
      this.loadedUrl = url;
      return Promise.resolve();
    }
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {}
    show() {}
  }

  const electron = {
    app: Object.assign(appEvents, {
      requestSingleInstanceLock: () => true,
      commandLine: {
        appendSwitch: (name: string, value?: string) => record.switches.push([name, value ?? '']),
      },
      quit: () => {
        record.quitCalled = true;
      },
      whenReady: () => ready,
      isReady: () => true,
      getPath: (name: string) => (name === 'userData' ? userData : path.join(userData, name)),
      getVersion: () => '9.9.9',
    }),
    BrowserWindow: FakeBrowserWindow,
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) =>
        handlers.set(channel, fn),
      removeHandler: (channel: string) => handlers.delete(channel),
    },
    Menu: {
      buildFromTemplate: (t: unknown) => t,
      setApplicationMenu: (m: unknown) => {
        record.menu = m;
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => record.privilegedSchemes.push(...s),
      handle: (scheme: string, h: (req: Request) => Promise<Response>) =>
        record.protocolHandlers.set(scheme, h),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: typeof record.permissionRequest) => {
          record.permissionRequest = h;
        },
        setPermissionCheckHandler: (h: typeof record.permissionCheck) => {
          record.permissionCheck = h;
        },
      },
    },
    shell: { openPath: async () => '' },
    Notification: Object.assign(
      class {
        constructor(public options: { title: string; body: string }) {}
        on() {}
        show() {
          record.notifications.push(this.options);
        }
      },
      { isSupported: () => true },
    ),
  };
  return { electron, windows, handlers, record, becomeReady: () => readyResolve() };
}

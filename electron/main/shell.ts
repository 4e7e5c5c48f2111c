/**
 * The Electron shell: single instance, one hardened window, the app menu, and the IPC adapter over
 * the core. Electron is passed in (not imported) so unit tests can run the shell against a fake.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as ElectronNs from 'electron';
import type { BrowserWindow as BrowserWindowType, WebPreferences } from 'electron';
import { createCore, type Core } from '../core/index.js';
import { createMemoryCredentialStore } from '../core/credentials/store.js';
import { startDemoFarm, type DemoFarm } from '../sim/demo.js';
import { registerIpc } from './ipc.js';
import { startAlertNotifications } from './notifications.js';
import { APP_ORIGIN, APP_SCHEME, createAppProtocolHandler } from './protocol.js';

export type ElectronApi = Pick<
  typeof ElectronNs,
  'app' | 'BrowserWindow' | 'ipcMain' | 'Menu' | 'protocol' | 'session' | 'shell' | 'Notification'
>;

export interface ShellOptions {
  /** dist/ folder holding renderer/ and preload/ (the bundle's own location in production). */
  distDir: string;
  argv?: string[];
  /** Built by the composition root; tests inject one. */
  createCore?: typeof createCore;
}

/** The settings every Hashwatch window is created with; asserted by the unit tests. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export interface Shell {
  core: Core | null;
  window(): BrowserWindowType | null;
}

export function startShell(electron: ElectronApi, opts: ShellOptions): Shell {
  const { app, BrowserWindow, ipcMain, Menu, protocol, session } = electron;
  const state: { core: Core | null; win: BrowserWindowType | null; demo: DemoFarm | null } = {
    core: null,
    win: null,
    demo: null,
  };
  const argv = opts.argv ?? process.argv;
  const demo = argv.includes('--demo');

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return { core: null, window: () => null };
  }
  app.on('second-instance', () => {
    if (state.win) {
      if (state.win.isMinimized()) state.win.restore();
      state.win.focus();
    }
  });

  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);

  // Every web contents, including any the page might try to create, is locked down.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(APP_ORIGIN + '/')) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!url.startsWith(APP_ORIGIN + '/')) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  const createWindow = () => {
    const win = new BrowserWindow({
      width: 1400,
      height: 900,
      minWidth: 960,
      minHeight: 600,
      title: 'Hashwatch',
      show: false,
      backgroundColor: '#101418',
      webPreferences: secureWebPreferences(path.join(opts.distDir, 'preload', 'index.cjs')),
    });
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      state.win = null;
    });
    void win.loadURL(`${APP_ORIGIN}/index.html`);
    state.win = win;
    return win;
  };

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!state.win && app.isReady()) createWindow();
  });

  let closing = false;
  app.on('will-quit', (event) => {
    if (closing || !state.core) return;
    closing = true;
    event.preventDefault();
    void state.core
      .close()
      .then(() => state.demo?.close())
      .finally(() => app.quit());
  });

  void app.whenReady().then(async () => {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    protocol.handle(APP_SCHEME, createAppProtocolHandler(path.join(opts.distDir, 'renderer')));

    const dataDir = app.getPath('userData');
    fs.mkdirSync(dataDir, { recursive: true });
    // Demo mode (electron/main may start the simulator only for this): an embedded farm, its password in
    // memory rather than the keychain, and a database of its own.
    state.demo = demo ? await startDemoFarm() : null;
    const core = await (opts.createCore ?? createCore)({
      dataDir,
      version: app.getVersion(),
      host: 'electron',
      demo,
      fleet: demo ? { storePath: path.join(dataDir, 'demo.db') } : {},
      ...(state.demo ? { credentialStore: createMemoryCredentialStore({ farm: state.demo.password }) } : {}),
    });
    state.core = core;
    if (state.demo) core.discovery.start(state.demo.targets);
    registerIpc({ ipcMain, dispatch: core.dispatch, bus: core.bus, window: () => state.win });
    startAlertNotifications({
      Notification: electron.Notification,
      bus: core.bus,
      onClick: () => {
        state.win?.show();
        state.win?.focus();
      },
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenu(electron)));
    createWindow();
  });

  return {
    get core() {
      return state.core;
    },
    window: () => state.win,
  };
}

function buildMenu(electron: ElectronApi): ElectronNs.MenuItemConstructorOptions[] {
  const isMac = process.platform === 'darwin';
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { label: 'File', submenu: [isMac ? { role: 'close' as const } : { role: 'quit' as const }] },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'Open data folder',
          click: () => void electron.shell.openPath(electron.app.getPath('userData')),
        },
      ],
    },
  ];
}

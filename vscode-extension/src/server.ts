/**
 * Starting, restarting and stopping the server, and the state it is in.
 *
 * Restarts are queued so that two servers never run at once, even when a
 * settings change arrives while a start is still probing interpreters. The
 * state is exported through the extension's API: the end-to-end test reads
 * which server runs, and other extensions could too.
 */
import * as fs from "fs";
import * as os from "os";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";

import { createClient } from "./client";
import { Facts, resolveServer, ServerCommand, Source } from "./launch";
import { isExecutableFile, probe } from "./probe";
import { selectedInterpreter } from "./python";
import { launchSettings, SECTION, serverSettingKeys } from "./settings";

export type State = "stopped" | "starting" | "running" | "failed";

export interface Status {
  state: State;
  source?: Source;
  command?: string;
  args?: string[];
  /** Why no server runs (state "failed"). */
  reasons: string[];
  /** Settings that could not be used, so another server runs. */
  warnings: string[];
  /** How many times a server was started; lets a caller wait for a restart. */
  starts: number;
}

const STOP_TIMEOUT_MS = 3_000;

export class ServerManager implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private queue: Promise<void> = Promise.resolve();
  private current: Status = { state: "stopped", reasons: [], warnings: [], starts: 0 };
  private readonly changed = new vscode.EventEmitter<Status>();
  readonly onDidChangeStatus = this.changed.event;
  private readonly keys: string[];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.keys = serverSettingKeys(context.extension.packageJSON);
  }

  status(): Status {
    return { ...this.current };
  }

  restart(why: string): Promise<void> {
    this.queue = this.queue.then(() => this.start(why)).catch((error) => this.output.error(`restart failed: ${error}`));
    return this.queue;
  }

  stop(): Promise<void> {
    this.queue = this.queue.then(() => this.stopClient());
    return this.queue;
  }

  dispose(): void {
    void this.stop();
    this.changed.dispose();
  }

  private async start(why: string): Promise<void> {
    await this.stopClient();
    const starts = this.current.starts + 1;
    this.update({ state: "starting", reasons: [], warnings: [], starts });
    this.output.info(`starting the server (${why})`);
    const resolution = await resolveServer(this.facts());
    if (!resolution.ok) {
      this.fail(resolution.reasons, resolution.setting, starts);
      return;
    }
    const { server, warnings, skipped } = resolution;
    skipped.forEach((reason) => this.output.info(`skipped: ${reason}`));
    warnings.forEach((warning) => this.output.warn(warning));
    if (warnings.length > 0) this.notify("warning", warnings.join(". "), server.source === "bundled" ? "interpreter" : "path");
    this.output.info(`running ${server.description}`);
    const client = createClient(server, this.keys, this.output, this.context.extensionPath);
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      await client.dispose(STOP_TIMEOUT_MS).catch(() => undefined);
      this.fail([`\`${server.command} ${server.args.join(" ")}\` did not start: ${error}`], settingFor(server), starts);
      return;
    }
    this.update({ state: "running", source: server.source, command: server.command, args: server.args, reasons: [], warnings, starts });
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.dispose(STOP_TIMEOUT_MS).catch((error) => this.output.warn(`stopping the server: ${error}`));
      this.update({ ...this.current, state: "stopped" });
    }
  }

  private fail(reasons: string[], setting: "path" | "interpreter", starts: number): void {
    reasons.forEach((reason) => this.output.error(reason));
    this.update({ state: "failed", reasons, warnings: [], starts });
    this.notify("error", `fastapi-perf could not start its language server: ${reasons.join("; ")}.`, setting);
  }

  /** One notification with a button that opens the setting to fix; never awaited (it waits for the user). */
  private notify(kind: "error" | "warning", message: string, setting: "path" | "interpreter"): void {
    const show = kind === "error" ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    void show(message, "Open setting", "Show logs").then((choice) => {
      if (choice === "Open setting") void vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.${setting}`);
      if (choice === "Show logs") this.output.show();
    });
  }

  private update(status: Status): void {
    this.current = status;
    this.changed.fire(this.status());
  }

  private facts(): Facts {
    const settings = launchSettings();
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file");
    let interpreter: Promise<string | undefined> | undefined;
    return {
      trusted: vscode.workspace.isTrusted,
      workspaceFolders: folders.map((f) => f.uri.fsPath),
      home: os.homedir(),
      searchPath: process.env.PATH ?? "",
      executableSuffixes: process.platform === "win32" ? ["", ".exe", ".cmd"] : [""],
      pathSetting: settings.path,
      interpreterSetting: settings.interpreter,
      pythonExtensionInterpreter: () => (interpreter ??= selectedInterpreter(folders[0]?.uri)),
      bundled: {
        unpacker: this.context.asAbsolutePath("bundled/unpack.py"),
        wheels: this.context.asAbsolutePath("bundled/wheels"),
        // The extension's own folder goes when the extension is uninstalled or updated;
        // global storage is for installs whose folder cannot be written.
        roots: [this.context.asAbsolutePath("bundled"), this.context.globalStorageUri.fsPath],
      },
      probe: (command, args, timeoutMs) => probe(command, args, this.context.extensionPath, timeoutMs),
      isExecutableFile,
      realpath: (file) => fs.realpathSync(file),
      exists: (file) => fs.existsSync(file),
    };
  }
}

function settingFor(server: ServerCommand): "path" | "interpreter" {
  return server.source === "path" ? "path" : "interpreter";
}

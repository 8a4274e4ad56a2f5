/**
 * fastapi-perf for VS Code: a thin launcher for `fastapi-perf lsp`.
 *
 * All analysis, diagnostics and code actions come from the language server;
 * this extension finds a server to run (launch.ts), keeps it in step with
 * settings, the selected interpreter and workspace trust, and offers two
 * commands: restart the server and show its logs.
 */
import * as vscode from "vscode";

import { onInterpreterChanged } from "./python";
import { ServerManager, Status } from "./server";
import { affectsLaunch } from "./settings";

/** What `activate` returns; tests and other extensions read the server's state through it. */
export interface FastapiPerfApi {
  status(): Status;
  readonly onDidChangeStatus: vscode.Event<Status>;
}

let manager: ServerManager | undefined;

export function activate(context: vscode.ExtensionContext): FastapiPerfApi {
  const output = vscode.window.createOutputChannel("fastapi-perf", { log: true });
  const servers = new ServerManager(context, output);
  manager = servers;
  context.subscriptions.push(
    output,
    servers,
    vscode.commands.registerCommand("fastapi-perf.restart", () => servers.restart("restart command")),
    vscode.commands.registerCommand("fastapi-perf.showLogs", () => output.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsLaunch(event)) void servers.restart("fastapi-perf.path or fastapi-perf.interpreter changed");
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => servers.restart("the workspace is now trusted")),
  );
  // Registering waits for the Python extension to activate; the first start must not.
  void onInterpreterChanged(() => servers.restart("the selected Python interpreter changed")).then((listener) =>
    context.subscriptions.push(listener),
  );
  void servers.restart("activation");
  return { status: () => servers.status(), onDidChangeStatus: servers.onDidChangeStatus };
}

export async function deactivate(): Promise<void> {
  await manager?.stop();
  manager = undefined;
}

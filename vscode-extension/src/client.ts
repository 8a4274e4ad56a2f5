/**
 * The language client for one server process.
 *
 * vscode-languageclient does the protocol work: documents, diagnostics
 * (pulled when the server offers `textDocument/diagnostic`), code actions,
 * hover, tracing (`fastapi-perf.trace.server`, read through the client id)
 * and `synchronize.configurationSection`, which forwards setting changes.
 * The middleware only reshapes the settings the server sees (see
 * settings.ts): the default answer would be VS Code's nested object with
 * `null` for unset values. In an untrusted workspace the initialization
 * options also carry `trusted: false` (docs/robustness.md).
 */
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

import type { ServerCommand } from "./launch";
import { SECTION, serverSettings } from "./settings";

export const CLIENT_ID = "fastapi-perf";
const CLIENT_NAME = "fastapi-perf";

export function createClient(
  server: ServerCommand,
  keys: string[],
  output: vscode.LogOutputChannel,
  cwd: string,
): LanguageClient {
  const serverOptions: ServerOptions = {
    command: server.command,
    args: server.args,
    transport: TransportKind.stdio,
    // Not the workspace: `python -m` puts the current folder first on sys.path.
    options: { cwd, env: { ...process.env, ...server.env } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
    ],
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    // `trusted: false` makes the server itself refuse to start any interpreter
    // (jedi's environment among them); a restart follows when trust is granted.
    initializationOptions: { ...serverSettings(keys), ...(vscode.workspace.isTrusted ? {} : { trusted: false }) },
    synchronize: { configurationSection: SECTION },
    middleware: {
      workspace: {
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) return answers;
          return params.items.map((item, index) =>
            item.section === SECTION
              ? serverSettings(keys, item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
              : answers[index],
          );
        },
        didChangeConfiguration: async (sections, next) => {
          if (!sections?.includes(SECTION)) return next(sections);
          await client.sendNotification(DidChangeConfigurationNotification.type, {
            settings: { [SECTION]: serverSettings(keys) },
          });
        },
      },
    },
  };
  const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  return client;
}

/**
 * The settings the server reads, in the shape it reads them.
 *
 * package.json is the one list of settings (a pytest keeps it equal to the
 * server's `EDITOR_SETTINGS`), so the keys are taken from it rather than
 * repeated here. The server gets a flat object without the `fastapi-perf.`
 * prefix, in `initializationOptions`, in answers to `workspace/configuration`
 * and in `workspace/didChangeConfiguration`. Unset values (`null`, such as
 * the default of `select`) are left out: for the server a missing key means
 * "not set by the editor", while VS Code reports every default.
 */
import * as vscode from "vscode";

export const SECTION = "fastapi-perf";

/** Settings only this extension reads; they are not sent to the server. */
export const CLIENT_ONLY = new Set(["path", "interpreter", "trace.server"]);

export type ServerSettings = Record<string, unknown>;

interface PackageJson {
  contributes?: { configuration?: { properties?: Record<string, unknown> } };
}

/** The server-side keys declared in package.json, without the prefix. */
export function serverSettingKeys(packageJSON: PackageJson): string[] {
  const properties = packageJSON.contributes?.configuration?.properties ?? {};
  return Object.keys(properties)
    .filter((key) => key.startsWith(`${SECTION}.`))
    .map((key) => key.slice(SECTION.length + 1))
    .filter((key) => !CLIENT_ONLY.has(key));
}

export function serverSettings(keys: string[], scope?: vscode.Uri): ServerSettings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const settings: ServerSettings = {};
  for (const key of keys) {
    const value = config.get<unknown>(key);
    if (value !== null && value !== undefined) settings[key] = JSON.parse(JSON.stringify(value));
  }
  return settings;
}

/** The two settings that change which server runs; any other change is sent to the running one. */
export function affectsLaunch(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SECTION}.path`) || event.affectsConfiguration(`${SECTION}.interpreter`);
}

export function launchSettings(): { path: string; interpreter: string } {
  const config = vscode.workspace.getConfiguration(SECTION);
  return { path: config.get<string>("path") ?? "", interpreter: config.get<string>("interpreter") ?? "" };
}

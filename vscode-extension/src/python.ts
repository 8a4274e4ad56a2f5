/**
 * The interpreter selected in the Python extension (ms-python.python).
 *
 * The Python extension exports an `environments` API: the active
 * environment path for a resource, a resolver that turns it into an
 * executable, and an event when the selection changes. Only that small part
 * is declared here, so the extension works with or without ms-python.python
 * installed (and does not need the @vscode/python-extension package).
 */
import * as vscode from "vscode";

const PYTHON_EXTENSION_ID = "ms-python.python";
const ACTIVATION_TIMEOUT_MS = 15_000;

interface EnvironmentPath {
  readonly id: string;
  readonly path: string;
}

interface ResolvedEnvironment {
  readonly executable: { readonly uri: vscode.Uri | undefined };
}

interface EnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): EnvironmentPath;
  resolveEnvironment(environment: EnvironmentPath | string): Promise<ResolvedEnvironment | undefined>;
  readonly onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
}

function timeout<T>(ms: number): Promise<T | undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms));
}

async function environments(): Promise<EnvironmentsApi | undefined> {
  const extension = vscode.extensions.getExtension(PYTHON_EXTENSION_ID);
  if (!extension) return undefined;
  try {
    const exports = extension.isActive
      ? extension.exports
      : await Promise.race([extension.activate(), timeout<unknown>(ACTIVATION_TIMEOUT_MS)]);
    const api = (exports as { environments?: EnvironmentsApi } | undefined)?.environments;
    return api && typeof api.getActiveEnvironmentPath === "function" ? api : undefined;
  } catch {
    return undefined;
  }
}

/** The selected interpreter's executable for `resource`, or undefined when none is known. */
export async function selectedInterpreter(resource?: vscode.Uri): Promise<string | undefined> {
  const api = await environments();
  if (!api) return undefined;
  try {
    const active = api.getActiveEnvironmentPath(resource);
    const resolved = await api.resolveEnvironment(active);
    return resolved?.executable.uri?.fsPath ?? (active.path || undefined);
  } catch {
    return undefined;
  }
}

/** Calls `listener` when the user selects another interpreter; a no-op without the Python extension. */
export async function onInterpreterChanged(listener: () => void): Promise<vscode.Disposable> {
  const api = await environments();
  return api ? api.onDidChangeActiveEnvironmentPath(() => listener()) : new vscode.Disposable(() => undefined);
}

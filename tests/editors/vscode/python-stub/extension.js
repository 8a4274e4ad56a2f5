// A stand-in for ms-python.python, installed into the test's code-server profile
// (the real one comes from a marketplace, which the test machine cannot reach).
// It offers the part of the `environments` API that fastapi-perf uses: the active
// interpreter, resolving it to an executable, and an event when it changes.
const vscode = require("vscode");

function selected() {
  return vscode.workspace.getConfiguration("pythonStub").get("interpreter") || "";
}

exports.activate = function activate(context) {
  const changed = new vscode.EventEmitter();
  context.subscriptions.push(
    changed,
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("pythonStub.interpreter")) {
        changed.fire({ id: selected(), path: selected(), resource: undefined });
      }
    }),
  );
  return {
    environments: {
      getActiveEnvironmentPath: () => ({ id: selected(), path: selected() }),
      resolveEnvironment: async (environment) => {
        const path = typeof environment === "string" ? environment : environment && environment.path;
        return path ? { id: path, path, executable: { uri: vscode.Uri.file(path) } } : undefined;
      },
      onDidChangeActiveEnvironmentPath: changed.event,
    },
  };
};

// The fastapi-perf extension, tested from inside VS Code's extension host.
//
// code-server loads this module in extension-test mode (the `extensionTestsPath`
// of the page's payload) next to the unpacked .vsix (`extensionDevelopmentPath`).
// It drives the real editor API (diagnostics, code actions, settings, commands)
// and writes what it saw to <workspace>/.fap-e2e/result.json; the pytest side
// (tests/editors/test_vscode.py) makes the assertions, so a failure there shows
// the whole record. Each wait has a deadline; a missed one ends the run with the
// error recorded, never a hang.
const fs = require("fs");
const path = require("path");
const vscode = require("vscode");

const EXTENSION_ID = "fastapi-perf.fastapi-perf";
const STEP_TIMEOUT_MS = 30000;

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(what, probe, timeoutMs = STEP_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

function ours(uri) {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === "fastapi-perf");
}

function describe(d) {
  const code = typeof d.code === "object" ? d.code.value : d.code;
  const href = typeof d.code === "object" && d.code.target ? d.code.target.toString() : null;
  const severity = ["error", "warning", "information", "hint"][d.severity];
  return { code, href, severity, line: d.range.start.line, character: d.range.start.character, message: d.message };
}

function codes(uri) {
  return ours(uri).map((d) => describe(d).code).sort();
}

/** Waits until the server publishes exactly `expected` (sorted codes) for `uri`. */
async function waitForCodes(uri, expected) {
  const want = JSON.stringify([...expected].sort());
  await waitFor(`diagnostics ${want} for ${path.basename(uri.fsPath)} (have ${JSON.stringify(codes(uri))})`, () =>
    JSON.stringify(codes(uri)) === want ? true : undefined,
  );
  return ours(uri).map(describe);
}

async function waitForServer(api, what, predicate) {
  return waitFor(`server ${what} (status ${JSON.stringify(api.status())})`, () => {
    const status = api.status();
    return status.state === "running" && predicate(status) ? status : undefined;
  });
}

/** Asks the driver (driver.mjs) for a browser screenshot and waits until it is taken. */
async function screenshot(dir, name) {
  fs.writeFileSync(path.join(dir, "screenshot-request"), name);
  const done = path.join(dir, "screenshot-done");
  await waitFor(`screenshot ${name}`, () => fs.existsSync(done), 20000);
  fs.rmSync(done);
}

async function setting(section, key, value) {
  await vscode.workspace.getConfiguration(section).update(key, value, vscode.ConfigurationTarget.Global);
}

async function open(file) {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/** The trusted workspace: every server source, diagnostics, a quick fix, settings. */
async function trusted(session, folder, record) {
  const app = await open(path.join(folder, "app.py"));
  const extension = await waitFor("the fastapi-perf extension", () => vscode.extensions.getExtension(EXTENSION_ID));
  const api = await extension.activate();

  record.bundled = await waitForServer(api, "started", () => true);
  record.diagnostics = await waitForCodes(app.uri, ["FAP103", "FAP201"]);

  await vscode.commands.executeCommand("workbench.actions.view.problems");
  await screenshot(session.dir, "problems");

  // Ask as Ctrl+. would, again if needed: the server answers no quick fixes while it
  // re-analyses after the settings it pulls at startup (counted in actionAttempts).
  record.actionAttempts = 0;
  const actions = await waitFor("a quick fix for FAP103", async () => {
    record.actionAttempts += 1;
    const fap103 = ours(app.uri).find((d) => describe(d).code === "FAP103");
    const found = await vscode.commands.executeCommand(
      "vscode.executeCodeActionProvider", app.uri, fap103.range, vscode.CodeActionKind.QuickFix.value, 10,
    );
    return found && found.some((a) => a.isPreferred) ? found : undefined;
  });
  record.actions = actions.map((a) => ({ title: a.title, kind: a.kind && a.kind.value, preferred: !!a.isPreferred }));
  const fix = actions.find((a) => a.isPreferred && a.title.includes("FAP103"));
  if (!fix) throw new Error("no preferred quick fix for FAP103");
  if (fix.edit) await vscode.workspace.applyEdit(fix.edit);
  if (fix.command) await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments || []));
  record.fixedText = app.getText();
  record.afterFix = await waitForCodes(app.uri, []);

  // Settings reach the running server (workspace/didChangeConfiguration + workspace/configuration).
  const second = await open(path.join(folder, "second.py"));
  await waitForCodes(second.uri, ["FAP103", "FAP201"]);
  await setting("fastapi-perf", "ignore", ["FAP201"]);
  record.ignored = await waitForCodes(second.uri, ["FAP103"]);
  await setting("fastapi-perf", "severity", { FAP103: "error" });
  record.severity = await waitFor("FAP103 as an error", () => {
    const found = ours(second.uri).map(describe).find((d) => d.code === "FAP103" && d.severity === "error");
    return found;
  });

  // fastapi-perf.path wins over everything; changing it restarts the server.
  const before = api.status().starts;
  await setting("fastapi-perf", "path", session.venvFastapiPerf);
  record.path = await waitForServer(api, "from fastapi-perf.path", (s) => s.starts > before && s.source === "path");
  record.pathDiagnostics = await waitForCodes(second.uri, ["FAP103"]);

  // Without it, the Python extension's interpreter runs the server when fastapi-perf is installed there.
  await setting("fastapi-perf", "path", undefined);
  await setting("pythonStub", "interpreter", session.venvPython);
  record.pythonExtension = await waitForServer(api, "from the Python extension", (s) => s.source === "pythonExtension");
  record.pythonExtensionDiagnostics = await waitForCodes(second.uri, ["FAP103"]);

  const restarts = api.status().starts;
  await vscode.commands.executeCommand("fastapi-perf.restart");
  record.restarted = await waitForServer(api, "restarted", (s) => s.starts > restarts);
  await vscode.commands.executeCommand("fastapi-perf.showLogs");
  record.commands = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith("fastapi-perf."));
}

/** The untrusted workspace: its settings and interpreter point at scripts that must never run. */
async function untrusted(session, folder, record) {
  record.isTrusted = vscode.workspace.isTrusted;
  const app = await open(path.join(folder, "app.py"));
  const extension = await waitFor("the fastapi-perf extension", () => vscode.extensions.getExtension(EXTENSION_ID));
  const api = await extension.activate();
  record.status = await waitForServer(api, "started", () => true);
  record.workspacePathSetting = vscode.workspace.getConfiguration("fastapi-perf").get("path");
  record.diagnostics = await waitForCodes(app.uri, ["FAP103", "FAP201"]);
}

exports.run = async function run() {
  const folder = vscode.workspace.workspaceFolders[0].uri.fsPath;
  const dir = path.join(folder, ".fap-e2e");
  const session = { ...JSON.parse(fs.readFileSync(path.join(dir, "session.json"), "utf8")), dir };
  const record = { session: session.kind, ok: false, started: Date.now() };
  try {
    await (session.kind === "untrusted" ? untrusted : trusted)(session, folder, record);
    record.ok = true;
  } catch (error) {
    record.error = String((error && error.stack) || error);
  }
  record.ms = Date.now() - record.started;
  fs.writeFileSync(path.join(dir, "result.json"), JSON.stringify(record, null, 2));
};

/**
 * The server search order and the workspace-trust rules, in plain Node.
 *
 * The end-to-end test in code-server proves each source really starts; this
 * one covers the branches a real editor cannot easily reach: no Python at
 * all, an old Python, a broken `fastapi-perf.path`, an untrusted workspace
 * whose virtualenv is selected. Run: `npm test` (node:test).
 */
import assert from "node:assert/strict";
import { test } from "node:test";

import { expand, Facts, insideWorkspace, ProbeResult, resolveServer } from "../src/launch";

const WS = "/home/u/project";
const LIBS = "/ext/bundled/libs";

/** A machine described by its executables and what each Python prints for the probe. */
function machine(overrides: Partial<Facts> & { pythons?: Record<string, string> } = {}): Facts & { probes: string[] } {
  const pythons: Record<string, string> = overrides.pythons ?? { "/usr/bin/python3": "3.11 " };
  const executables = new Set([...Object.keys(pythons), "/opt/fap/bin/fastapi-perf", `${WS}/.venv/bin/fastapi-perf`]);
  const probes: string[] = [];
  return {
    trusted: true,
    workspaceFolders: [WS],
    home: "/home/u",
    searchPath: "/usr/bin",
    executableSuffixes: [""],
    pathSetting: "",
    interpreterSetting: "",
    pythonExtensionInterpreter: async () => undefined,
    bundledLibs: LIBS,
    probe: async (command: string): Promise<ProbeResult> => {
      probes.push(command);
      return command in pythons ? { ok: true, output: `${pythons[command]}\n` } : { ok: false, output: "ENOENT" };
    },
    isExecutableFile: (file) => executables.has(file),
    realpath: (file) => file,
    exists: (file) => file === `${LIBS}/fastapi_perf/__init__.py`,
    probes,
    ...overrides,
  };
}

test("no settings and no Python extension: the bundled server with python3 from PATH", async () => {
  const result = await resolveServer(machine());
  assert.ok(result.ok);
  assert.match(result.skipped.join("\n"), /the Python extension is not installed/, "what was passed over is logged");
  assert.equal(result.server.source, "bundled");
  assert.equal(result.server.command, "/usr/bin/python3");
  assert.deepEqual(result.server.args, ["-m", "fastapi_perf", "lsp"]);
  assert.deepEqual(result.server.env, { PYTHONPATH: LIBS });
});

test("fastapi-perf.path comes first, with ~ expanded", async () => {
  const facts = machine({ pathSetting: "/opt/fap/bin/fastapi-perf", pythonExtensionInterpreter: async () => "/usr/bin/python3" });
  const result = await resolveServer(facts);
  assert.ok(result.ok);
  assert.equal(result.server.source, "path");
  assert.deepEqual(result.server.args, ["lsp"]);
  assert.deepEqual(facts.probes, [], "an explicit path needs no probing");
  assert.equal(expand("~/bin/fastapi-perf", facts), "/home/u/bin/fastapi-perf");
  assert.equal(expand("${workspaceFolder}/.venv/bin/python", facts), `${WS}/.venv/bin/python`);
});

test("a broken fastapi-perf.path falls back and says so", async () => {
  const result = await resolveServer(machine({ pathSetting: "/nope/fastapi-perf" }));
  assert.ok(result.ok);
  assert.equal(result.server.source, "bundled");
  assert.match(result.warnings.join("\n"), /`fastapi-perf.path` `\/nope\/fastapi-perf` is not an executable file/);
});

test("the Python extension's interpreter runs the server when fastapi-perf is installed there", async () => {
  const venv = `${WS}/.venv/bin/python`;
  const result = await resolveServer(
    machine({ pythons: { [venv]: "3.12 0.1.0", "/usr/bin/python3": "3.11 " }, pythonExtensionInterpreter: async () => venv }),
  );
  assert.ok(result.ok);
  assert.equal(result.server.source, "pythonExtension");
  assert.equal(result.server.command, venv);
  assert.deepEqual(result.server.env, {}, "its own fastapi-perf, not the bundled one");
});

test("without fastapi-perf in it, the Python extension's interpreter runs the bundled server", async () => {
  const venv = `${WS}/.venv/bin/python`;
  const facts = machine({ pythons: { [venv]: "3.12 ", "/usr/bin/python3": "3.11 " }, pythonExtensionInterpreter: async () => venv });
  const result = await resolveServer(facts);
  assert.ok(result.ok);
  assert.equal(result.server.source, "bundled");
  assert.equal(result.server.command, venv);
  assert.deepEqual(facts.probes, [venv], "each interpreter is probed once");
});

test("fastapi-perf.interpreter is preferred for the bundled server; an old Python is passed over", async () => {
  const result = await resolveServer(
    machine({ pythons: { "/usr/bin/python3": "3.11 ", "/opt/py39/bin/python": "3.9 " }, interpreterSetting: "/opt/py39/bin/python" }),
  );
  assert.ok(result.ok);
  assert.equal(result.server.command, "/usr/bin/python3");
  assert.match(result.warnings.join("\n"), /`fastapi-perf.interpreter` could not be used/);
});

test("untrusted: nothing inside the workspace runs, the bundled server still does", async () => {
  const venv = `${WS}/.venv/bin/python`;
  const facts = machine({
    trusted: false,
    pythons: { [venv]: "3.12 0.1.0", "/usr/bin/python3": "3.11 " },
    pathSetting: `${WS}/.venv/bin/fastapi-perf`,
    interpreterSetting: venv,
    pythonExtensionInterpreter: async () => venv,
  });
  const result = await resolveServer(facts);
  assert.ok(result.ok);
  assert.equal(result.server.source, "bundled");
  assert.equal(result.server.command, "/usr/bin/python3");
  assert.deepEqual(facts.probes, ["/usr/bin/python3"], "the workspace's interpreter is never started");
});

test("executables are found with the platform's endings (python.exe on Windows)", async () => {
  const facts = machine({
    searchPath: "/opt/py312",
    executableSuffixes: ["", ".exe", ".cmd"],
    pythons: { "/opt/py312/python.exe": "3.12 " },
  });
  const result = await resolveServer(facts);
  assert.ok(result.ok);
  assert.equal(result.server.command, "/opt/py312/python.exe");
});

test("untrusted: a link into the workspace counts as inside", () => {
  const facts = { workspaceFolders: [WS], realpath: (f: string) => (f === "/usr/local/bin/py" ? `${WS}/py` : f) };
  assert.equal(insideWorkspace("/usr/local/bin/py", facts), true);
  assert.equal(insideWorkspace("/usr/bin/python3", facts), false);
  assert.equal(insideWorkspace("/home/u/project-other/python", facts), false);
});

test("no usable Python: one failure with every reason, pointing at the interpreter setting", async () => {
  const result = await resolveServer(machine({ pythons: { "/usr/bin/python3": "3.8 " } }));
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.setting, "interpreter");
  const why = result.reasons.join("\n");
  assert.match(why, /Python extension is not installed/);
  assert.match(why, /is Python 3.8; the bundled server needs 3.10 or newer/);
});

test("no bundled server and nothing else: the failure names the missing bundle", async () => {
  const result = await resolveServer(machine({ exists: () => false, pathSetting: "/nope" }));
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.setting, "path");
  assert.match(result.reasons.join("\n"), /the bundled server is missing/);
});

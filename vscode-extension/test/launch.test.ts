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

import { expand, Facts, insideWorkspace, ProbeResult, resolveServer, UNPACK_TIMEOUT_MS } from "../src/launch";

const WS = "/home/u/project";
const BUNDLED = { unpacker: "/ext/bundled/unpack.py", wheels: "/ext/bundled/wheels", roots: ["/ext/bundled", "/home/u/.storage"] };
const LIBS = "/ext/bundled/libs-0123456789abcdef";

interface Machine extends Facts {
  /** The interpreters asked for their version, in order. */
  probes: string[];
  /** Each unpack run: the interpreter, its arguments and its timeout. */
  unpacks: { python: string; args: string[]; timeoutMs?: number }[];
}

/**
 * A machine described by its executables, what each Python prints for the
 * version probe, and what unpacking the bundled wheels prints with it (the
 * folder by default; `unpackFails` lists Pythons for which it fails).
 */
function machine(
  overrides: Partial<Facts> & { pythons?: Record<string, string>; unpackFails?: Record<string, string> } = {},
): Machine {
  const pythons: Record<string, string> = overrides.pythons ?? { "/usr/bin/python3": "3.11 " };
  const unpackFails = overrides.unpackFails ?? {};
  const executables = new Set([...Object.keys(pythons), "/opt/fap/bin/fastapi-perf", `${WS}/.venv/bin/fastapi-perf`]);
  const probes: string[] = [];
  const unpacks: Machine["unpacks"] = [];
  return {
    trusted: true,
    workspaceFolders: [WS],
    home: "/home/u",
    searchPath: "/usr/bin",
    executableSuffixes: [""],
    pathSetting: "",
    interpreterSetting: "",
    pythonExtensionInterpreter: async () => undefined,
    bundled: BUNDLED,
    probe: async (command: string, args: string[], timeoutMs?: number): Promise<ProbeResult> => {
      if (!(command in pythons)) return { ok: false, output: "ENOENT" };
      if (args.includes(BUNDLED.unpacker)) {
        unpacks.push({ python: command, args, timeoutMs });
        const failure = unpackFails[command];
        return failure ? { ok: false, output: `${failure}\n` } : { ok: true, output: `${LIBS}\n` };
      }
      probes.push(command);
      return { ok: true, output: `${pythons[command]}\n` };
    },
    isExecutableFile: (file) => executables.has(file),
    realpath: (file) => file,
    exists: (file) => file === BUNDLED.unpacker || file === BUNDLED.wheels,
    probes,
    unpacks,
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

test("the bundled wheels are unpacked by the Python that runs them, before it starts", async () => {
  const facts = machine();
  const result = await resolveServer(facts);
  assert.ok(result.ok);
  assert.deepEqual(facts.unpacks, [
    { python: "/usr/bin/python3", args: ["-I", BUNDLED.unpacker, BUNDLED.wheels, ...BUNDLED.roots], timeoutMs: UNPACK_TIMEOUT_MS },
  ]);
  assert.equal(result.server.env.PYTHONPATH, LIBS, "the folder the unpacker printed");
  assert.match(result.server.description, /bundled server in \/ext\/bundled\/libs-/);
});

test("when one Python cannot unpack the wheels the next one is tried, and the reason is logged", async () => {
  const facts = machine({
    pythons: { "/opt/py/bin/python": "3.12 ", "/usr/bin/python3": "3.11 " },
    interpreterSetting: "/opt/py/bin/python",
    unpackFails: { "/opt/py/bin/python": "could not unpack the bundled server (/ext/bundled: [Errno 30] Read-only file system)" },
  });
  const result = await resolveServer(facts);
  assert.ok(result.ok);
  assert.equal(result.server.command, "/usr/bin/python3");
  assert.match(result.skipped.join("\n"), /`\/opt\/py\/bin\/python` could not unpack the bundled server: .*Read-only file system/);
  assert.deepEqual(facts.unpacks.map((u) => u.python), ["/opt/py/bin/python", "/usr/bin/python3"]);
});

test("a server that is not bundled is never unpacked", async () => {
  const venv = `${WS}/.venv/bin/python`;
  const facts = machine({ pythons: { [venv]: "3.12 0.1.0" }, pythonExtensionInterpreter: async () => venv });
  const result = await resolveServer(facts);
  assert.ok(result.ok);
  assert.equal(result.server.source, "pythonExtension");
  assert.deepEqual(facts.unpacks, []);
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

/**
 * Which `fastapi-perf lsp` to start, decided without touching VS Code.
 *
 * The order is the one users expect from Python tool extensions:
 *   1. the `fastapi-perf.path` setting (an explicit choice wins);
 *   2. the interpreter selected in the Python extension, when fastapi-perf is
 *      installed there (the project's own version of the rules);
 *   3. the server bundled in the .vsix, run by a Python >= 3.10: the
 *      `fastapi-perf.interpreter` setting, else the Python extension's
 *      interpreter, else `python3` on PATH. Its wheels are unpacked by that
 *      Python on the first start (bundled/unpack.py).
 *
 * In an untrusted workspace nothing that lives inside a workspace folder is
 * run: not the project's virtualenv, not a project-local executable. VS Code
 * already drops workspace values of the restricted settings; this module also
 * refuses user settings, PATH entries and Python-extension interpreters that
 * point into the workspace. The bundled server still runs.
 *
 * Everything the decision needs comes in through `Facts`, so the order and
 * the trust rules are unit-tested in plain Node (test/launch.test.ts).
 */
import * as path from "path";

export type Source = "path" | "pythonExtension" | "bundled";

export interface ServerCommand {
  source: Source;
  command: string;
  args: string[];
  /** Extra environment variables (PYTHONPATH for the bundled server). */
  env: Record<string, string>;
  /** One line for the log: what runs and why. */
  description: string;
}

export interface ProbeResult {
  ok: boolean;
  output: string;
}

export interface Facts {
  trusted: boolean;
  workspaceFolders: string[];
  home: string;
  /** The PATH to search for `python3` or a bare executable name. */
  searchPath: string;
  /** Endings an executable may have ("" on POSIX; ".exe" and ".cmd" too on Windows). */
  executableSuffixes: string[];
  pathSetting: string;
  interpreterSetting: string;
  /** The Python extension's selected interpreter, undefined when there is none. */
  pythonExtensionInterpreter(): Promise<string | undefined>;
  bundled: BundledServer;
  /** Runs `command args` outside the workspace, with a short timeout unless another is given. */
  probe(command: string, args: string[], timeoutMs?: number): Promise<ProbeResult>;
  isExecutableFile(file: string): boolean;
  realpath(file: string): string;
  exists(file: string): boolean;
}

/** The server shipped in the .vsix, as wheels that bundled/unpack.py unpacks before the first start. */
export interface BundledServer {
  /** bundled/unpack.py */
  unpacker: string;
  /** The folder of wheels: fastapi-perf and its pure-Python dependencies. */
  wheels: string;
  /** Where the wheels may be unpacked, in order: the first that can be written is used. */
  roots: string[];
}

export type Resolution =
  | { ok: true; server: ServerCommand; warnings: string[]; skipped: string[] }
  | { ok: false; reasons: string[]; setting: "path" | "interpreter" };

export const MIN_PYTHON: [number, number] = [3, 10];
/** Unpacking writes a few thousand files once; slow disks and virus scanners get time for it. */
export const UNPACK_TIMEOUT_MS = 120_000;

/** Prints "<major>.<minor> <fastapi_perf version or nothing>"; never fails on a missing package. */
const PROBE_SCRIPT = [
  "import sys",
  "try:",
  "    import fastapi_perf",
  "    v = getattr(fastapi_perf, '__version__', '?')",
  "except Exception:",
  "    v = ''",
  "print('%d.%d %s' % (sys.version_info[0], sys.version_info[1], v))",
].join("\n");

interface PythonInfo {
  version: [number, number];
  fastapiPerf: string;
}

/** Expands `~`, `${userHome}` and `${workspaceFolder}` the way VS Code users write them. */
export function expand(value: string, facts: Pick<Facts, "home" | "workspaceFolders">): string {
  let out = value.trim();
  if (out === "~" || out.startsWith("~/")) out = facts.home + out.slice(1);
  out = out.split("${userHome}").join(facts.home);
  const folder = facts.workspaceFolders[0];
  if (folder !== undefined) out = out.split("${workspaceFolder}").join(folder);
  return out;
}

function within(file: string, folder: string): boolean {
  const rel = path.relative(folder, file);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** True when the file, as written or after following links, lies in a workspace folder. */
export function insideWorkspace(file: string, facts: Pick<Facts, "workspaceFolders" | "realpath">): boolean {
  const candidates = [path.resolve(file)];
  try {
    candidates.push(facts.realpath(file));
  } catch {
    // a missing file is judged by its written path alone
  }
  return facts.workspaceFolders.some((folder) => candidates.some((c) => within(c, folder)));
}

/** Finds a bare command name on the search path, like the shell would. */
export function which(
  name: string,
  facts: Pick<Facts, "searchPath" | "isExecutableFile" | "executableSuffixes">,
): string | undefined {
  const named = facts.executableSuffixes.map((suffix) => name + suffix);
  if (name.includes("/") || name.includes("\\")) return named.find((file) => facts.isExecutableFile(file));
  for (const dir of facts.searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const found = named.map((file) => path.join(dir, file)).find((file) => facts.isExecutableFile(file));
    if (found) return found;
  }
  return undefined;
}

class Resolver {
  private readonly reasons: string[] = [];
  private readonly warnings: string[] = [];
  private readonly probed = new Map<string, PythonInfo | string>();

  constructor(private readonly facts: Facts) {}

  async resolve(): Promise<Resolution> {
    const server = (await this.fromPathSetting()) ?? (await this.fromPythonExtension()) ?? (await this.bundled());
    if (server) return { ok: true, server, warnings: this.warnings, skipped: this.reasons };
    const setting = this.facts.pathSetting.trim() ? "path" : "interpreter";
    return { ok: false, reasons: this.reasons, setting };
  }

  /** Resolves an executable and applies the trust rule; records why it was refused. */
  private locate(what: string, value: string): string | undefined {
    const expanded = expand(value, this.facts);
    const found = which(expanded, this.facts);
    if (!found) {
      this.reasons.push(`${what} \`${value}\` is not an executable file`);
      return undefined;
    }
    if (!this.facts.trusted && insideWorkspace(found, this.facts)) {
      this.reasons.push(`${what} \`${found}\` is inside the workspace, which is not trusted`);
      return undefined;
    }
    return found;
  }

  private async fromPathSetting(): Promise<ServerCommand | undefined> {
    const value = this.facts.pathSetting.trim();
    if (!value) return undefined;
    const found = this.locate("`fastapi-perf.path`", value);
    if (!found) {
      this.warnings.push(`${this.reasons[this.reasons.length - 1]}; falling back to another server`);
      return undefined;
    }
    return { source: "path", command: found, args: ["lsp"], env: {}, description: `${found} lsp (fastapi-perf.path)` };
  }

  private async pythonExtensionInterpreter(): Promise<string | undefined> {
    const selected = await this.facts.pythonExtensionInterpreter();
    if (!selected) {
      this.reasons.push("the Python extension is not installed or has no interpreter selected");
      return undefined;
    }
    return this.locate("the Python extension's interpreter", selected);
  }

  private async fromPythonExtension(): Promise<ServerCommand | undefined> {
    const python = await this.pythonExtensionInterpreter();
    if (!python) return undefined;
    const info = await this.inspect(python);
    if (typeof info === "string") {
      this.reasons.push(`the Python extension's interpreter \`${python}\` ${info}`);
      return undefined;
    }
    if (!info.fastapiPerf) {
      this.reasons.push(`fastapi-perf is not installed in the Python extension's interpreter \`${python}\``);
      return undefined;
    }
    return {
      source: "pythonExtension",
      command: python,
      args: ["-m", "fastapi_perf", "lsp"],
      env: {},
      description: `${python} -m fastapi_perf lsp (fastapi-perf ${info.fastapiPerf} in the Python extension's interpreter)`,
    };
  }

  private async bundled(): Promise<ServerCommand | undefined> {
    const { unpacker, wheels } = this.facts.bundled;
    if (!this.facts.exists(unpacker) || !this.facts.exists(wheels)) {
      this.reasons.push(`the bundled server is missing (${wheels})`);
      return undefined;
    }
    const candidates: [string, string | undefined][] = [];
    const setting = this.facts.interpreterSetting.trim();
    if (setting) candidates.push(["`fastapi-perf.interpreter`", this.locate("`fastapi-perf.interpreter`", setting)]);
    candidates.push(["the Python extension's interpreter", await this.pythonExtensionInterpreterQuietly()]);
    for (const name of ["python3", "python"]) {
      const found = which(name, this.facts);
      if (found) candidates.push([`\`${name}\` on PATH`, this.locate(`\`${name}\` on PATH`, found)]);
    }
    if (!which("python3", this.facts) && !which("python", this.facts)) this.reasons.push("no `python3` on PATH");
    for (const [what, python] of candidates) {
      if (!python) continue;
      const info = await this.inspect(python);
      if (typeof info === "string") {
        this.reasons.push(`${what} \`${python}\` ${info}`);
        continue;
      }
      if (versionBelow(info.version, MIN_PYTHON)) {
        this.reasons.push(`${what} \`${python}\` is Python ${info.version.join(".")}; the bundled server needs ${MIN_PYTHON.join(".")} or newer`);
        continue;
      }
      const libs = await this.unpack(python);
      if ("error" in libs) {
        this.reasons.push(`${what} \`${python}\` could not unpack the bundled server: ${libs.error}`);
        continue;
      }
      if (setting && what !== "`fastapi-perf.interpreter`") {
        this.warnings.push(`\`fastapi-perf.interpreter\` could not be used; running the bundled server with ${what}`);
      }
      return {
        source: "bundled",
        command: python,
        args: ["-m", "fastapi_perf", "lsp"],
        env: { PYTHONPATH: libs.folder },
        description: `${python} -m fastapi_perf lsp (bundled server in ${libs.folder}, Python ${info.version.join(".")} from ${what})`,
      };
    }
    return undefined;
  }

  /** Unpacks the wheels with this Python (`-I`: nothing from the environment or the current folder is imported). */
  private async unpack(python: string): Promise<{ folder: string } | { error: string }> {
    const { unpacker, wheels, roots } = this.facts.bundled;
    const result = await this.facts.probe(python, ["-I", unpacker, wheels, ...roots], UNPACK_TIMEOUT_MS);
    const last = result.output.trim().split(/\r?\n/).pop()?.trim() ?? "";
    if (!result.ok || !last) return { error: last || "no output" };
    return { folder: last };
  }

  /** The Python extension's interpreter again, without repeating the reasons already recorded. */
  private async pythonExtensionInterpreterQuietly(): Promise<string | undefined> {
    const before = this.reasons.length;
    const python = await this.pythonExtensionInterpreter();
    this.reasons.length = before;
    return python;
  }

  /** Version and fastapi-perf presence of an interpreter, or why it cannot run (memoised). */
  private async inspect(python: string): Promise<PythonInfo | string> {
    const known = this.probed.get(python);
    if (known !== undefined) return known;
    const result = await this.facts.probe(python, ["-c", PROBE_SCRIPT]);
    const match = /^(\d+)\.(\d+) ?(\S*)\s*$/m.exec(result.output);
    const info: PythonInfo | string =
      result.ok && match
        ? { version: [Number(match[1]), Number(match[2])], fastapiPerf: match[3] }
        : `did not run: ${result.output.trim().split("\n").pop() || "no output"}`;
    this.probed.set(python, info);
    return info;
  }
}

function versionBelow(version: [number, number], minimum: [number, number]): boolean {
  return version[0] < minimum[0] || (version[0] === minimum[0] && version[1] < minimum[1]);
}

export function resolveServer(facts: Facts): Promise<Resolution> {
  return new Resolver(facts).resolve();
}

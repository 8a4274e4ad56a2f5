/**
 * Running a candidate interpreter or executable briefly, safely.
 *
 * Probes run from a folder outside the workspace: `python -c` puts the
 * current folder first on `sys.path`, so a probe started in an untrusted
 * project could import that project's code. A timeout keeps a hung
 * interpreter from holding up activation.
 */
import { execFile } from "child_process";
import * as fs from "fs";

import type { ProbeResult } from "./launch";

export const PROBE_TIMEOUT_MS = 10_000;

export function probe(command: string, args: string[], cwd: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: timeoutMs, windowsHide: true }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      resolve({ ok: !error, output: error && !output ? String(error.message) : output });
    });
  });
}

export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

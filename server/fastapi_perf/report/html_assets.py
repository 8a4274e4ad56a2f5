"""The HTML report's inline style and script: the page loads nothing from anywhere.

The Content-Security-Policy in the page forbids every fetch; the script
only filters what is already on the page.
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

STYLE = """
:root {
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --error: #cf222e; --warning: #9a6700; --info: #0969da; --hint: #59636e;
  --add: #dafbe1; --del: #ffebe9; --hunk: #ddf4ff; --mark: #fff8c5; --link: #0969da;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
    --error: #ff7b72; --warning: #d29922; --info: #58a6ff; --hint: #9198a1;
    --add: #12361f; --del: #4a1a1d; --hunk: #0c2d4d; --mark: #4d3d00; --link: #58a6ff;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; }
header, main, footer { max-width: 1100px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; border-bottom: 1px solid var(--line); padding-bottom: 6px; margin-top: 32px; }
h3 { font-size: 15px; margin: 0; display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; }
a { color: var(--link); text-decoration: none; }
a:hover { text-decoration: underline; }
code, pre, .loc { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.meta, .muted { color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 130px; background: var(--panel); }
.card b { display: block; font-size: 22px; }
figure { margin: 16px 0; }
figure svg { max-width: 100%; height: auto; }
figure svg text { fill: var(--fg); font-size: 12px; }
figure svg text.inside { fill: #ffffff; font-size: 11px; }
table { border-collapse: collapse; width: 100%; margin: 12px 0; }
th, td { text-align: left; padding: 2px 8px; font-size: 13px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.rule-row { cursor: pointer; }
tr.rule-row:hover { background: var(--panel); }
.toolbar { display: flex; gap: 12px; align-items: center; margin: 12px 0; position: sticky; top: 0;
  background: var(--bg); padding: 8px 0; z-index: 1; }
.toolbar input { flex: 1; max-width: 480px; padding: 6px 10px; border: 1px solid var(--line); border-radius: 6px;
  background: var(--bg); color: var(--fg); font: inherit; }
.scope { border: 1px solid var(--line); border-radius: 6px; margin: 16px 0; }
.scope > header { padding: 10px 14px; background: var(--panel); border-bottom: 1px solid var(--line);
  border-radius: 6px 6px 0 0; max-width: none; margin: 0; }
.route { font-weight: 600; }
.counts { margin-left: auto; }
.finding { padding: 12px 14px; border-top: 1px solid var(--line); }
.finding:first-of-type { border-top: 0; }
.finding .head { display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; }
.message { flex-basis: 100%; }
.sev { font-size: 11px; font-weight: 600; text-transform: uppercase; border: 1px solid currentColor;
  border-radius: 10px; padding: 0 7px; }
.sev.error { color: var(--error); } .sev.warning { color: var(--warning); }
.sev.info { color: var(--info); } .sev.hint { color: var(--hint); }
.badge { font-size: 11px; border-radius: 10px; padding: 0 7px; background: var(--panel); border: 1px solid var(--line); }
.badge.runtime { color: var(--error); border-color: var(--error); }
pre { margin: 8px 0; padding: 8px 0; background: var(--panel); border: 1px solid var(--line); border-radius: 6px;
  overflow-x: auto; tab-size: 4; }
pre > span { display: block; padding: 0 10px; white-space: pre; }
.ln { display: inline-block; min-width: 3.5em; color: var(--muted); user-select: none; }
.hit { background: var(--mark); }
mark { background: transparent; color: inherit; text-decoration: underline wavy var(--warning); text-underline-offset: 3px; }
.diff .add { background: var(--add); } .diff .del { background: var(--del); }
.diff .hunk { background: var(--hunk); color: var(--muted); } .diff .file { color: var(--muted); font-weight: 600; }
details { margin: 6px 0; }
summary { cursor: pointer; color: var(--muted); }
ol.chain { margin: 6px 0; padding-left: 22px; }
ol.chain pre { margin: 4px 0 8px; }
.runtime-evidence { border-left: 3px solid var(--error); padding: 4px 12px; margin: 8px 0; }
.runtime-evidence h4 { margin: 0 0 4px; font-size: 13px; }
.runtime-evidence dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
.runtime-evidence dt { color: var(--muted); }
.runtime-evidence dd { margin: 0; }
.hidden { display: none; }
footer { padding-bottom: 32px; color: var(--muted); }
"""

SCRIPT = """
(function () {
  "use strict";
  var input = document.getElementById("filter");
  var shown = document.getElementById("shown");
  if (!input || !shown) { return; }
  var findings = Array.prototype.slice.call(document.querySelectorAll(".finding"));
  var scopes = Array.prototype.slice.call(document.querySelectorAll(".scope"));
  function apply() {
    var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var visible = 0;
    findings.forEach(function (finding) {
      var text = finding.getAttribute("data-search") || "";
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      finding.classList.toggle("hidden", !match);
      if (match) { visible += 1; }
    });
    scopes.forEach(function (scope) {
      scope.classList.toggle("hidden", !scope.querySelector(".finding:not(.hidden)"));
    });
    shown.textContent = visible + " of " + findings.length + " shown";
  }
  input.addEventListener("input", apply);
  Array.prototype.forEach.call(document.querySelectorAll("tr.rule-row"), function (row) {
    row.addEventListener("click", function (event) {
      if (event.target.closest("a")) { return; }
      input.value = row.getAttribute("data-code") || "";
      apply();
      input.scrollIntoView({ block: "start" });
    });
  });
  apply();
})();
"""

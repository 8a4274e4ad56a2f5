-- Check a real Neovim against fastapi-perf, with the client configured by the
-- documented init.lua snippet (docs/editors/neovim.md), loaded with -u.
-- Usage: nvim --headless --clean -u snippet.lua --cmd "let g:loaded_python3_provider=0" \
--          -c "luafile neovim_check.lua" app.py
-- Env: FAP_OUT (result file), FAP_TIMEOUT_MS.
-- Writes lines: CLIENT <name> <root_dir>, DIAG <line>:<col> <severity> <code> <message>,
-- ACTION <kind> <title>, APPLIED <line text>, then RECHECKED (or ERROR ...).
local out_path = assert(os.getenv("FAP_OUT"), "FAP_OUT not set")
local timeout = tonumber(os.getenv("FAP_TIMEOUT_MS") or "30000")

local lines = {}
local function emit(s) table.insert(lines, s) end
local function finish(code)
  local f = assert(io.open(out_path, "w"))
  f:write(table.concat(lines, "\n") .. "\n")
  f:close()
  vim.cmd(code == 0 and "qall!" or ("cquit " .. code))
end

local bufnr = vim.api.nvim_get_current_buf()
if vim.bo[bufnr].filetype ~= "python" then
  emit("ERROR filetype is '" .. vim.bo[bufnr].filetype .. "', the snippet's FileType autocmd cannot run")
  return finish(2)
end

-- The snippet's FileType autocmd has run while the file was loaded: a client
-- named fastapi-perf must be attached to this buffer.
local client
vim.wait(timeout, function()
  for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if c.name == "fastapi-perf" then client = c end
  end
  return client ~= nil
end, 20)
if not client then emit("ERROR the snippet attached no fastapi-perf client") return finish(2) end
emit(("CLIENT %s %s"):format(client.name, client.config.root_dir))

local function ours()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == "fastapi-perf" then table.insert(found, d) end
  end
  return found
end
local function code_of(d) return d.user_data and d.user_data.lsp and d.user_data.lsp.code end

if not vim.wait(timeout, function() return #ours() > 0 end, 20) then
  emit("ERROR no diagnostics within " .. timeout .. " ms") return finish(3)
end
local target
for _, d in ipairs(ours()) do
  emit(("DIAG %d:%d %d %s %s"):format(d.lnum + 1, d.col + 1, d.severity, tostring(code_of(d)), d.message))
  if code_of(d) == "FAP103" then target = d end
end
if not target then emit("ERROR no FAP103 diagnostic") return finish(4) end

local params = {
  textDocument = { uri = vim.uri_from_bufnr(bufnr) },
  range = { start = { line = target.lnum, character = target.col }, ["end"] = { line = target.end_lnum, character = target.end_col } },
  context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, target.lnum), only = { "quickfix" } },
}
local results = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, timeout)
if not results then emit("ERROR codeAction failed") return finish(5) end
local chosen
for _, res in pairs(results) do
  for _, action in ipairs(res.result or {}) do
    emit(("ACTION %s %s"):format(tostring(action.kind), action.title))
    if action.isPreferred and not chosen then chosen = action end
  end
end
if not chosen then emit("ERROR no preferred action") return finish(6) end
if not chosen.edit then
  local resolved = vim.lsp.buf_request_sync(bufnr, "codeAction/resolve", chosen, timeout)
  for _, res in pairs(resolved or {}) do
    if res.result then chosen = res.result end
  end
end
vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
for _, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
  if line:find("asyncio") then emit("APPLIED " .. line) end
end
-- The edit reaches the server as didChange; wait until the finding is gone.
local gone = vim.wait(timeout, function()
  for _, d in ipairs(ours()) do
    if code_of(d) == "FAP103" then return false end
  end
  return true
end, 20)
emit(gone and "RECHECKED" or "ERROR finding still there after the fix")
vim.lsp.stop_client(client.id)
finish(gone and 0 or 7)

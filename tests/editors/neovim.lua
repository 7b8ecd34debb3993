-- Headless Neovim as lint500's LSP client, run by tests/neovim.rs: opens the file in
-- $LINT500_FILE through the plugin in editors/neovim, waits for the diagnostics, applies the
-- "Ignore <rule> on this line" quick fix for the first one, saves, waits for the diagnostics
-- to be republished, and writes what it saw to $LINT500_OUT ("line rule" per diagnostic).

local out = {}
local function finish(code)
  vim.fn.writefile(out, os.getenv("LINT500_OUT"))
  vim.cmd(code == 0 and "qall!" or ("cquit " .. code))
end

local function record(title)
  table.insert(out, title)
  local diagnostics = vim.diagnostic.get(0)
  table.sort(diagnostics, function(a, b) return a.lnum < b.lnum end)
  for _, d in ipairs(diagnostics) do
    table.insert(out, string.format("%d %s %s", d.lnum + 1, d.code, d.source))
  end
end

local ok, err = pcall(function()
  vim.opt.runtimepath:prepend(os.getenv("LINT500_PLUGIN"))
  require("lint500").setup({ cmd = { os.getenv("LINT500_BIN"), "lsp" } })
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("LINT500_FILE")))

  if not vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50) then
    table.insert(out, "timeout: no diagnostics")
    return finish(1)
  end
  record("opened")
  local before = #vim.diagnostic.get(0)

  local client = vim.lsp.get_active_clients()[1]
  local first = vim.diagnostic.get(0)[1]
  local params = vim.lsp.util.make_range_params()
  params.range = {
    start = { line = first.lnum, character = 0 },
    ["end"] = { line = first.lnum, character = 0 },
  }
  -- The diagnostic as the protocol has it (built by hand: Neovim 0.7 keeps only part of it).
  local lsp_diagnostic = {
    range = params.range,
    message = first.message,
    severity = first.severity,
    code = first.code,
    source = first.source,
  }
  params.context = { diagnostics = { lsp_diagnostic } }
  local responses = vim.lsp.buf_request_sync(0, "textDocument/codeAction", params, 10000)
  local actions = responses and responses[client.id] and responses[client.id].result or {}
  for _, action in ipairs(actions) do
    table.insert(out, "action " .. action.title)
  end
  if #actions == 0 then
    return finish(1)
  end
  vim.lsp.util.apply_workspace_edit(actions[1].edit, client.offset_encoding)
  vim.cmd("silent write")

  if not vim.wait(20000, function() return #vim.diagnostic.get(0) < before end, 50) then
    table.insert(out, "timeout: the fix did not clear the finding")
    return finish(1)
  end
  record("fixed")
  finish(0)
end)
if not ok then
  table.insert(out, "error: " .. tostring(err))
  finish(1)
end

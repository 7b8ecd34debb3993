-- lint500 in Neovim: findings as you type and "Ignore <rule>" quick fixes, from `lint500 lsp`.
--
--   require("lint500").setup()                                  -- `lint500` on PATH
--   require("lint500").setup({ cmd = { "/path/to/lint500", "lsp" } })
--
-- Uses `vim.lsp.start` (Neovim 0.8+) and falls back to `vim.lsp.start_client` on Neovim 0.7.

local M = {}

M.filetypes = { "javascript", "javascriptreact", "typescript", "typescriptreact", "python" }

local defaults = { cmd = { "lint500", "lsp" } }
-- Neovim 0.7 only: one client per workspace folder, attached to each buffer by hand.
local clients_0_7 = {}

-- Starts (or reuses) the server for `bufnr`, with the current directory as the workspace.
function M.start(bufnr, opts)
  opts = vim.tbl_extend("force", defaults, opts or {})
  local config = { name = "lint500", cmd = opts.cmd, root_dir = vim.fn.getcwd() }
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local client_id = clients_0_7[config.root_dir]
  if not client_id or vim.lsp.client_is_stopped(client_id) then
    client_id = vim.lsp.start_client(config)
    clients_0_7[config.root_dir] = client_id
  end
  if client_id then
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
  return client_id
end

-- Starts the server for every JavaScript, TypeScript and Python buffer opened from now on.
function M.setup(opts)
  vim.api.nvim_create_autocmd("FileType", {
    group = vim.api.nvim_create_augroup("lint500", { clear = true }),
    pattern = M.filetypes,
    callback = function(args)
      M.start(args.buf, opts)
    end,
  })
end

return M

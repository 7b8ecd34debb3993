-- lint500's language server for Neovim 0.11+ (`:help lsp-config`), in the form nvim-lspconfig
-- uses: with this folder on the runtimepath, `vim.lsp.enable("lint500")` starts it.
return {
  cmd = { "lint500", "lsp" },
  filetypes = { "javascript", "javascriptreact", "typescript", "typescriptreact", "python" },
  root_markers = { "lint500.toml", ".lint500.toml", "pyproject.toml", "package.json", ".git" },
}

// Starts `lint500 lsp` for JavaScript, TypeScript and Python files and restarts it when the
// lint500 settings change.

import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("lint500.restart", restart),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("lint500.enable") || event.affectsConfiguration("lint500.path")) {
        await restart();
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function start(): Promise<void> {
  const settings = vscode.workspace.getConfiguration("lint500");
  if (!settings.get<boolean>("enable", true)) {
    return;
  }
  const command = settings.get<string>("path", "lint500") || "lint500";
  const serverOptions: ServerOptions = { command, args: ["lsp"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: ["javascript", "javascriptreact", "typescript", "typescriptreact", "python"].map(
      (language) => ({ scheme: "file", language }),
    ),
  };
  client = new LanguageClient("lint500", "lint500", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    client = undefined;
    void vscode.window.showErrorMessage(
      `lint500: cannot start \`${command} lsp\` (${String(error)}). Install lint500 or set "lint500.path".`,
    );
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop();
  }
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

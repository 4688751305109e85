// Starts the Flow language server (`flow lsp` by default) over stdio with the
// standard vscode-languageclient package. Syntax highlighting and snippets are
// declarative (package.json) and work even when the client or server is missing.
'use strict';
const vscode = require('vscode');

let client;

async function start() {
  const config = vscode.workspace.getConfiguration('flow');
  if (!config.get('server.enabled', true)) return;
  let lc;
  try {
    lc = require('vscode-languageclient/node');
  } catch (e) {
    vscode.window.showWarningMessage(
      'Flow: run `npm install` in the extension folder to enable the language server (highlighting works without it).');
    return;
  }
  const command = config.get('server.path', 'flow');
  const args = config.get('server.args', ['lsp']);
  const executable = { command, args, transport: lc.TransportKind.stdio };
  client = new lc.LanguageClient('flow', 'Flow Language Server',
    { run: executable, debug: executable },
    {
      documentSelector: [{ scheme: 'file', language: 'flow' }, { scheme: 'untitled', language: 'flow' }],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.flow') },
    });
  try {
    await client.start();
  } catch (err) {
    client = undefined;
    vscode.window.showWarningMessage(
      `Flow: could not start the language server \`${command} ${args.join(' ')}\` (${err && err.message ? err.message : err}). ` +
      'Set flow.server.path to the flow executable.');
  }
}

async function stop() {
  if (client) {
    const c = client;
    client = undefined;
    await c.stop();
  }
}

function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('flow.restartServer', async () => { await stop(); await start(); }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('flow.server')) { await stop(); await start(); }
    }),
    { dispose: () => { stop(); } });
  return start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };

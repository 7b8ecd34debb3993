//! `lint500 lsp`: lint500 as a language server on standard input and output.
//!
//! It publishes the findings of open JavaScript, TypeScript and Python documents as the user
//! types (debounced), with the workspace's configuration, and offers quick fixes that write
//! `lint500-ignore` comments. Every lint goes through the engine's run over the workspace on
//! disk with the open buffers overlaid, so project rules see unsaved text too.

mod server;
mod suppress;
mod text;
mod transport;

/// Why the server stopped other than by `shutdown` and `exit`.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// Serves one client on standard input and output until it says `exit` or goes away.
pub fn run_stdio() -> Result<(), Error> {
    let (connection, io_threads) = transport::stdio()?;
    server::serve(connection)?;
    // Only after `exit` or the end of the input: the reader thread has ended, so the join
    // cannot wait on a client that still talks.
    io_threads.join()?;
    Ok(())
}

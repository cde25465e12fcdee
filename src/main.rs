//! The `accord` command: a thin shell over [`accord::commands`].

fn main() -> std::process::ExitCode {
    accord::commands::main()
}

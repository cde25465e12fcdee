//! The `accord` command: a thin shell over [`accord::cli`].

fn main() -> std::process::ExitCode {
    accord::cli::main()
}

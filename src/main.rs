fn main() -> std::process::ExitCode {
    blobx::cli::main()
}
